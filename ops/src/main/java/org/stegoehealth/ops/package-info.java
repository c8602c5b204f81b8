/** The {@code stego} command line: the entry point that gathers every command of the product under one launcher. */
package org.stegoehealth.ops;
