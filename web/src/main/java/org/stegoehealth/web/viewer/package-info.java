/**
 * The clinic's viewer of received X-rays: an index of the clinic's {@code recovered-images} and dead-letter topics
 * kept by a consumer ({@link org.stegoehealth.web.viewer.ClinicFeed} into {@link
 * org.stegoehealth.web.viewer.StudyIndex}), the worklist with live arrivals, the study view with its integrity badge,
 * and the PNG export ({@link org.stegoehealth.web.viewer.ViewerApp}).
 */
package org.stegoehealth.web.viewer;
