/**
 * The hiding network and everything it needs without Kafka: its architecture, training graphs and growth, model
 * artifacts and their weights files, image decoding and conversion to tensors, quality metrics and the classical
 * baselines.
 */
package org.stegoehealth.model;
