/** Training the hiding network (data pipeline, training loop, checkpoints, export) and retraining it from live traffic with a promotion gate. */
package org.stegoehealth.trainer;
