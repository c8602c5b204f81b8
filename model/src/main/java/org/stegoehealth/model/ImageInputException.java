package org.stegoehealth.model;

/** An image (or model) input that cannot be used: unreadable, empty, not an image, or of an absurd size. */
public class ImageInputException extends RuntimeException {
    public ImageInputException(String message) {
        super(message);
    }

    public ImageInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
