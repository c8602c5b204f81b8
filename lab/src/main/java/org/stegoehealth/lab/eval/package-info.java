/** {@code stego evaluate}: embedding and extraction quality (PSNR, SSIM) of a model or the sealed method on image pairs, under attacks, with an HTML report. */
package org.stegoehealth.lab.eval;
