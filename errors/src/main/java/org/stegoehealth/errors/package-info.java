/**
 * The one vocabulary of user-facing failures, shared by every module: {@link org.stegoehealth.errors.StegoException}
 * carries a one-line message, an exit code and whether it is an outage or a fault of the input.
 */
package org.stegoehealth.errors;
