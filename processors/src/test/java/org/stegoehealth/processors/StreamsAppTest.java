package org.stegoehealth.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;
import org.stegoehealth.errors.StegoException;
import org.stegoehealth.schemas.SchemaRegistryException;

class StreamsAppTest {

    @Test
    void isRecoverable_registryOutageDeepInTheCauses_restartsTheApplication() {
        SchemaRegistryException outage = new SchemaRegistryException(
                "schema registry failed 5 tries", new ConnectException("Connection refused"));
        Throwable wrapped = new StreamsException(
                "task 0_0 failed", new SerializationException("unknown writer schema id 3", outage));
        assertTrue(StreamsApp.isRecoverable(wrapped));
        assertTrue(StreamsApp.isRecoverable(new SchemaRegistryException("HTTP 503 unavailable", 503)));
    }

    @Test
    void isRecoverable_brokerTimeout_restartsTheApplication() {
        assertTrue(StreamsApp.isRecoverable(new StreamsException(new TimeoutException("commit timed out"))));
    }

    @Test
    void isRecoverable_badInputBugsAndJvmErrors_stopTheApplication() {
        assertFalse(StreamsApp.isRecoverable(new SchemaRegistryException("no schema with id 42", 404)));
        assertFalse(StreamsApp.isRecoverable(new StegoException("model file is corrupt")));
        assertFalse(StreamsApp.isRecoverable(new StreamsException(new IllegalStateException("bug"))));
        assertFalse(StreamsApp.isRecoverable(new StreamsException(
                new Error("JVM error", new SchemaRegistryException("unreachable", new ConnectException())))));
    }

    @Test
    void restartBackoff_pauseGrowsToHalfAMinuteAndResetsAfterQuiet() {
        AtomicLong now = new AtomicLong();
        List<Long> slept = new ArrayList<>();
        StreamsApp.RestartBackoff r = new StreamsApp.RestartBackoff(now::get, slept::add);
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            Duration pause = r.nextPause();
            r.pause(pause);
            pauses.add(pause.toSeconds());
            now.addAndGet(pause.toNanos());
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L, 30L), pauses);
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L, 30000L), slept);
        now.addAndGet(Duration.ofMinutes(6).toNanos());
        assertEquals(Duration.ofSeconds(1), r.nextPause());
    }
}
