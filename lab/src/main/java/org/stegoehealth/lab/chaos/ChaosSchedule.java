package org.stegoehealth.lab.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * What a chaos run does to its processes, in order: SIGKILLs of application instances (each restarted at once),
 * instances added mid-stream, and SIGKILLs of MirrorMaker 2. One X-ray burst is sent before each event and one after
 * the last.
 *
 * <p>An application run as several instances ({@code --embedders}, {@code --extractors} above 1) starts with all but
 * its last instance; the last one is added at a random point of the schedule, so its tasks move to it while X-rays
 * flow. A kill picks one of the application's instances running at that point.
 *
 * @param initial the instances started before the first X-ray, in order
 * @param events  what happens after each burst but the last
 */
record ChaosSchedule(List<String> initial, List<Event> events) {

    /** What happens to which process. */
    enum Action {
        /** SIGKILL, then start the same instance again at once. */
        KILL,
        /** Start an instance that has not run yet: its application's group rebalances to give it tasks. */
        ADD,
        /** SIGKILL of MirrorMaker 2, restarted at once. */
        MIRROR_KILL
    }

    /** One event: an action and the instance it is done to ({@link ChaosRun#MIRROR} for the mirror). */
    record Event(Action action, String instance) {}

    /**
     * A schedule of {@code kills} kills of each application, {@code mirrorKills} of the mirror and one addition per
     * application with more than one instance, shuffled with {@code random}.
     */
    static ChaosSchedule of(int kills, int embedders, int extractors, int mirrorKills, Random random) {
        List<String> roles = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            roles.add(ChaosRun.EMBEDDER);
            roles.add(ChaosRun.EXTRACTOR);
        }
        for (int i = 0; i < mirrorKills; i++) {
            roles.add(ChaosRun.MIRROR);
        }
        List<String> embedderNames = instances(ChaosRun.EMBEDDER, embedders);
        List<String> extractorNames = instances(ChaosRun.EXTRACTOR, extractors);
        List<String> adds = new ArrayList<>();
        if (embedders > 1) {
            adds.add(embedderNames.get(embedders - 1));
        }
        if (extractors > 1) {
            adds.add(extractorNames.get(extractors - 1));
        }
        // an addition is a slot of its own, so the shuffle places it among the kills
        List<Object> slots = new ArrayList<>(roles);
        slots.addAll(adds.stream().map(Added::new).toList());
        Collections.shuffle(slots, random);

        Set<String> running = new LinkedHashSet<>();
        running.addAll(embedderNames.subList(0, embedders > 1 ? embedders - 1 : embedders));
        running.addAll(extractorNames.subList(0, extractors > 1 ? extractors - 1 : extractors));
        List<String> initial = List.copyOf(running);
        List<Event> events = new ArrayList<>();
        for (Object slot : slots) {
            if (slot instanceof Added a) {
                running.add(a.instance());
                events.add(new Event(Action.ADD, a.instance()));
            } else if (slot.equals(ChaosRun.MIRROR)) {
                events.add(new Event(Action.MIRROR_KILL, ChaosRun.MIRROR));
            } else {
                String role = (String) slot;
                List<String> candidates =
                        running.stream().filter(n -> roleOf(n).equals(role)).toList();
                // no draw for a single candidate: a seed of a one-instance run keeps giving the same kills at the same
                // moments
                events.add(new Event(
                        Action.KILL,
                        candidates.size() == 1
                                ? candidates.get(0)
                                : candidates.get(random.nextInt(candidates.size()))));
            }
        }
        return new ChaosSchedule(initial, List.copyOf(events));
    }

    private record Added(String instance) {}

    /** The instances' names: the application's own name for one, {@code embedder-1}, {@code embedder-2}... for more. */
    static List<String> instances(String role, int count) {
        if (count == 1) {
            return List.of(role);
        }
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add(role + "-" + i);
        }
        return names;
    }

    /** {@link ChaosRun#EMBEDDER} or {@link ChaosRun#EXTRACTOR} for an instance name of {@link #instances}. */
    static String roleOf(String instance) {
        int dash = instance.lastIndexOf('-');
        return dash < 0 ? instance : instance.substring(0, dash);
    }

    /** Every instance the run starts at some point: the initial ones, then the added ones. */
    List<String> allInstances() {
        List<String> all = new ArrayList<>(initial);
        events.stream()
                .filter(e -> e.action() == Action.ADD)
                .map(Event::instance)
                .forEach(all::add);
        return all;
    }
}
