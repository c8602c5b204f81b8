package org.stegoehealth.processors.admin;

import org.stegoehealth.errors.StegoException;

/** Topics could not be created; the message is one line naming the topic and the cluster's answer. */
public final class TopicAdminException extends StegoException {

    public TopicAdminException(String message, Throwable cause) {
        super(message, cause);
    }
}
