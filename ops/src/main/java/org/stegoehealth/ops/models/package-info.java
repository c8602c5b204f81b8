/** {@code stego models}: publish, promote, retire, list, pull and verify model versions on the model topics. */
package org.stegoehealth.ops.models;
