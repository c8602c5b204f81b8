package org.stegoehealth.processors.produce;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.stegoehealth.model.Images;
import org.stegoehealth.processors.ErrorType;
import org.stegoehealth.processors.InputImages;
import org.stegoehealth.processors.RecordRejectedException;

/** Finding and reading image files for the producers. */
final class ImageFiles {

    private ImageFiles() {}

    /** The files named, with directories replaced by their PNG/JPEG files (not recursive), in name order. */
    static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                out.addAll(Images.listImages(p));
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** The file's bytes, decoded and checked (PNG or JPEG, 1 or 3 channels, 8 or 16 bits, sides within limits). */
    static Checked read(Path file, int maxSide) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new RecordRejectedException(ErrorType.VALIDATION, "no such file");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RecordRejectedException(ErrorType.DECODE, "cannot read (" + e.getMessage() + ")", e);
        }
        if (bytes.length == 0) {
            throw new RecordRejectedException(ErrorType.DECODE, "empty file");
        }
        return new Checked(bytes, InputImages.decode(bytes, file.getFileName().toString(), maxSide));
    }

    record Checked(byte[] bytes, InputImages.Decoded image) {}
}
