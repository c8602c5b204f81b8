/** {@code stego keys}: the keyring of this party on the command line. */
package org.stegoehealth.ops.keys;
