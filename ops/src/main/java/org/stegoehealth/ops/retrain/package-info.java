/** {@code stego trainer}: the periodic trainer service wired to the model topics. */
package org.stegoehealth.ops.retrain;
