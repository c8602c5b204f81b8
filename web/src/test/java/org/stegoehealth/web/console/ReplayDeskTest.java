package org.stegoehealth.web.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stegoehealth.web.MutableClock;

class ReplayDeskTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));

    private static ReplayDesk.Request request(String version) {
        return ReplayDesk.request(List.of(version), "0", null, null, null, "10", v -> true);
    }

    private static void await(ReplayDesk.Run run, ReplayDesk.State state) throws InterruptedException {
        for (int i = 0; i < 400 && run.state() != state; i++) {
            Thread.sleep(10);
        }
        assertEquals(state, run.state(), run.error());
    }

    @Test
    void replaysRunOneAtATimeInTheOrderTheyWereStarted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ReplayDesk desk = new ReplayDesk(
                (request, out, progress) -> {
                    if (request.versions().get(0).equals("v1")) {
                        assertTrue(release.await(10, TimeUnit.SECONDS));
                    }
                    Files.writeString(out.resolve("report.html"), "<html></html>");
                    return request.versions().get(0) + " table";
                },
                dir,
                clock)) {
            ReplayDesk.Run first = desk.start(request("v1"), "ops.anna");
            ReplayDesk.Run second = desk.start(request("v2"), "ops.bob");
            await(first, ReplayDesk.State.RUNNING);
            Thread.sleep(100);
            assertEquals(ReplayDesk.State.WAITING, second.state(), "the second waits for the first");
            release.countDown();
            await(first, ReplayDesk.State.DONE);
            await(second, ReplayDesk.State.DONE);
            assertEquals("v2 table", second.table());
            assertEquals(List.of(second, first), desk.runs(), "newest first");
            assertTrue(desk.reportFile(first.id(), "report.html").isPresent());
            assertTrue(desk.reportFile(first.id(), "../" + second.id() + "/report.html")
                    .isEmpty());
            assertTrue(desk.reportFile("replay-none", "report.html").isEmpty());
        }
    }

    @Test
    void aFailedReplaySaysWhyAndServesNoReport() throws Exception {
        try (ReplayDesk desk = new ReplayDesk(
                (request, out, progress) -> {
                    Files.writeString(out.resolve("report.html"), "half");
                    throw new IllegalArgumentException("no X-rays in the given range of xray-images");
                },
                dir,
                clock)) {
            ReplayDesk.Run run = desk.start(request("v1"), "ops.anna");
            await(run, ReplayDesk.State.FAILED);
            assertEquals("no X-rays in the given range of xray-images", run.error());
            assertTrue(run.progress().contains("failed: no X-rays in the given range of xray-images"));
            assertTrue(desk.reportFile(run.id(), "report.html").isEmpty(), "only a finished replay's report");
        }
    }

    @Test
    void withoutTheLabModuleNothingStarts() {
        try (ReplayDesk desk = new ReplayDesk(null, dir, clock)) {
            assertTrue(!desk.available());
            assertThrows(IllegalStateException.class, () -> desk.start(request("v1"), "ops.anna"));
        }
    }
}
