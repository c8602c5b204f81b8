/**
 * Producers that validate image files and publish them: X-rays from files, a directory or a watched drop folder,
 * and the cover library. Bad files are reported, never published.
 */
package org.stegoehealth.processors.produce;
