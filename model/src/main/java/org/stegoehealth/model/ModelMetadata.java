package org.stegoehealth.model;

import java.util.Map;

/**
 * What {@code model.json} says about a model artifact.
 *
 * @param version        immutable id, also the artifact's directory name
 * @param created        ISO-8601 instant
 * @param architecture   the network, enough to rebuild it
 * @param preprocessing  how images are brought to tensors (value range, channel policy)
 * @param training       hyper-parameters and the command that produced the model
 * @param data           what it was trained and validated on
 * @param validation     held-out metrics measured at the end of training
 * @param weightsFile    file name of the weights, next to model.json
 * @param weightsSha256  hex SHA-256 of the weights file; loading refuses a mismatch
 */
public record ModelMetadata(
        String version,
        String created,
        NetworkConfig architecture,
        Map<String, Object> preprocessing,
        Map<String, Object> training,
        Map<String, Object> data,
        Map<String, Object> validation,
        String weightsFile,
        String weightsSha256) {}
