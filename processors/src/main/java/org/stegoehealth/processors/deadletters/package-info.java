/**
 * Putting dead letters back once their cause is fixed, once each: {@link
 * org.stegoehealth.processors.deadletters.Redrive} (used by {@code stego dead-letters replay} and the hospital
 * console) and the check that records which failed authentication must pass again ({@link
 * org.stegoehealth.processors.deadletters.Reverification}).
 */
package org.stegoehealth.processors.deadletters;
