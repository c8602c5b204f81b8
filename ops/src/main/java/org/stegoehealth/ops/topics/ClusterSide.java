package org.stegoehealth.ops.topics;

/** Which part of the system a Kafka cluster serves, and so which topics and users it holds. */
public enum ClusterSide {
    /** one cluster for the hospital and the clinic: every topic */
    both,
    /** the hospital's own cluster: every topic but the clinic's recovered images */
    hospital,
    /** a clinic's own cluster: the topics that cross (stego, models, promotions) and the extractor's own */
    clinic
}
