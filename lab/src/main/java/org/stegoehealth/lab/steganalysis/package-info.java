/** {@code stego steganalysis}: how well a trained detector tells stego images from clean covers, per way of making the stego images. */
package org.stegoehealth.lab.steganalysis;
