/**
 * What every Stego-eHealth web application shares: the HTTPS server ({@link org.stegoehealth.web.WebServer}) that
 * refuses every route but sign-in and static assets without a session, the users file with Argon2id password hashes
 * ({@link org.stegoehealth.web.Users}), expiring sessions ({@link org.stegoehealth.web.Sessions}) and the audit
 * trail on the {@code audit} topic ({@link org.stegoehealth.web.AuditTrail}).
 */
package org.stegoehealth.web;
