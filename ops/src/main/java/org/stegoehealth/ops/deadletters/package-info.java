/** {@code stego dead-letters}: list dead letters and re-publish them to their source topic, once. */
package org.stegoehealth.ops.deadletters;
