/** Kafka Streams topologies that embed X-rays in covers and extract them again, and the image producers. */
package org.stegoehealth.processors;
