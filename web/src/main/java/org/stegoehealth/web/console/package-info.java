/**
 * The hospital's console on the same {@link org.stegoehealth.web.WebServer} as the clinic viewer (one sign-in, one
 * audit trail): the model versions with their held-out figures, lineage and promotion history, and promote and roll
 * back for operators ({@link org.stegoehealth.web.console.ConsoleApp}, {@link org.stegoehealth.web.console.ModelDesk}).
 */
package org.stegoehealth.web.console;
