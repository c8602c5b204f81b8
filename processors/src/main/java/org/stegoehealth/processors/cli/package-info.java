/** The processors' subcommands of the {@code stego} command line, and the options they share. */
package org.stegoehealth.processors.cli;
