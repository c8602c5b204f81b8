package org.stegoehealth.processors;

import org.stegoehealth.model.FloatImage;

/**
 * How a cover is brought to an X-ray's geometry: centre-crop the cover to the X-ray's aspect ratio (the largest
 * centred window of that ratio), then bicubic-resize the window to exactly the X-ray's width x height, as RGB.
 * Nothing is stretched; a cover smaller than the X-ray is upscaled (softer, still a plausible photo).
 */
public final class CoverFitting {

    private CoverFitting() {}

    public static FloatImage fit(FloatImage cover, int width, int height) {
        int cw = cover.width();
        int ch = cover.height();
        int cropW;
        int cropH;
        // compare cw/ch with width/height without rounding
        if ((long) cw * height > (long) ch * width) {
            cropH = ch;
            cropW = (int) Math.max(1, Math.round((double) ch * width / height));
        } else {
            cropW = cw;
            cropH = (int) Math.max(1, Math.round((double) cw * height / width));
        }
        cropW = Math.min(cropW, cw);
        cropH = Math.min(cropH, ch);
        FloatImage window = cover.crop((cw - cropW) / 2, (ch - cropH) / 2, cropW, cropH);
        return window.resize(width, height).withChannels(3);
    }
}
