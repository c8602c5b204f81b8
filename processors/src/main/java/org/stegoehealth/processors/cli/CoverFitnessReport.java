package org.stegoehealth.processors.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.stegoehealth.model.Images;
import org.stegoehealth.processors.CovertCovers;
import org.stegoehealth.processors.produce.PublishOutcome;

/** The line {@code produce-covers} ends with: which of the published photos the covert method can use. */
public final class CoverFitnessReport {

    private CoverFitnessReport() {}

    /**
     * Says which published photos the covert method can use: those it can scale down to {@code covert.cover.side}
     * ({@link CovertCovers}).
     */
    public static void print(List<PublishOutcome> outcomes, int side, PrintWriter out) {
        if (side == 0) {
            return;
        }
        List<String> unfit = new ArrayList<>();
        int published = 0;
        for (PublishOutcome o : outcomes) {
            if (!o.ok()) {
                continue;
            }
            published++;
            int[] size = Images.dimensions(o.file());
            if (!CovertCovers.fit(size[0], size[1], side)) {
                unfit.add(o.key() + " (" + size[0] + "x" + size[1] + ")");
            }
        }
        out.println("fit for the covert method (shorter side over " + side + " px, covert.cover.side): "
                + (published - unfit.size()) + " of " + published
                + (unfit.isEmpty() ? "" : "; unfit: " + String.join(", ", unfit)));
    }
}
