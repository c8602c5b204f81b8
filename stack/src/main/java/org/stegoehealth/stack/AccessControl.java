package org.stegoehealth.stack;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.stack.KafkaSecurity.Principal;

/**
 * The users and ACLs of a secure local stack, made with the Admin API as {@code admin}: one SCRAM-SHA-512 user per
 * {@link Principal} and, from the topic catalog, what each may read and write. Everything not granted is refused
 * ({@code allow.everyone.if.no.acl.found=false}). With two clusters each cluster has its own users and grants
 * ({@link #hospitalBindings}, {@link #clinicBindings}).
 *
 * <table>
 * <caption>grants</caption>
 * <tr><th>principal</th><th>reads</th><th>writes</th><th>its own</th></tr>
 * <tr><td>producer</td><td>-</td><td>X-rays, covers</td><td>-</td></tr>
 * <tr><td>embedder</td><td>X-rays, covers, models, promotions</td><td>stego, dead letters</td>
 *     <td>topics, group and transactional ids starting with its application id</td></tr>
 * <tr><td>extractor</td><td>stego, models, promotions</td><td>recovered, dead letters, receipts</td>
 *     <td>topics, group and transactional ids starting with its application id</td></tr>
 * <tr><td>mirror (one cluster)</td><td>stego, models, promotions</td><td>-</td><td>-</td></tr>
 * <tr><td>mirror at the hospital</td><td>stego, models, promotions</td><td>receipts</td>
 *     <td>the worker group and topics of the flow back ({@code clinic-mm2}, {@code mm2-*.clinic.internal})</td></tr>
 * <tr><td>mirror at the clinic</td><td>receipts</td><td>stego, models, promotions</td>
 *     <td>the worker group and topics of the flow in ({@code hospital-mm2}, {@code mm2-*.hospital.internal})</td></tr>
 * <tr><td>viewer</td><td>recovered, dead letters, models, receipts</td><td>audit, receipts</td><td>-</td></tr>
 * </table>
 */
public final class AccessControl {

    private static final int SCRAM_ITERATIONS = 8192;
    private static final long TIMEOUT_S = 30;
    /** What MirrorMaker 2 does with a topic it copies from: reads it, and its partitions and configuration. */
    private static final AclOperation[] MIRROR_READS = {
        AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS
    };

    private AccessControl() {}

    /**
     * Secures one running broker as its super user {@code admin}: creates every other user of {@code security},
     * grants {@code bindings}, and waits until every user can sign in. Running it again is harmless.
     */
    public static void secure(String bootstrapServers, KafkaSecurity security, List<AclBinding> bindings) {
        try (Admin admin = Admin.create(adminConfig(bootstrapServers, security.clientConfig(Principal.ADMIN)))) {
            createUsers(admin, security);
            grant(admin, bindings);
        }
        awaitUsers(bootstrapServers, security);
    }

    /**
     * Adds a SCRAM-SHA-512 user for every principal of {@code security} but {@code admin} (made when the storage was
     * formatted).
     */
    static void createUsers(Admin admin, KafkaSecurity security) {
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        for (Principal p : security.principals()) {
            if (p != Principal.ADMIN) {
                users.add(new UserScramCredentialUpsertion(
                        p.user(),
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                        security.password(p)));
            }
        }
        await(admin.alterUserScramCredentials(users).all(), "create the Kafka users");
    }

    /** Waits until every principal can sign in (new credentials reach the broker's cache shortly after). */
    static void awaitUsers(String bootstrapServers, KafkaSecurity security) {
        for (Principal p : security.principals()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (true) {
                try (Admin client = Admin.create(adminConfig(bootstrapServers, security.clientConfig(p)))) {
                    client.describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                            .nodes()
                            .get(10, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof SaslAuthenticationException) || System.nanoTime() > deadline) {
                        throw new LocalStackException(
                                "Kafka user '" + p.user() + "' cannot sign in: "
                                        + e.getCause().getMessage(),
                                e);
                    }
                } catch (TimeoutException e) {
                    throw new LocalStackException("Kafka user '" + p.user() + "' cannot sign in within 10 s", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LocalStackException("interrupted while creating the Kafka users", e);
                }
                LocalSupport.sleep(200);
            }
        }
    }

    static Map<String, Object> adminConfig(String bootstrapServers, Map<String, String> security) {
        Map<String, Object> c = new HashMap<>(security);
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return c;
    }

    /**
     * Grants every principal its access to the topics of {@code topics} and, for the two Streams applications, to
     * the internal topics, consumer group and transactional ids named after their application ids. Granting again
     * is harmless.
     */
    static void grant(Admin admin, Topics topics, String embedderApplicationId, String extractorApplicationId) {
        grant(admin, bindings(topics, embedderApplicationId, extractorApplicationId));
    }

    /** Grants {@code bindings} and waits until the broker applies them. Granting again is harmless. */
    static void grant(Admin admin, List<AclBinding> bindings) {
        await(admin.createAcls(bindings).all(), "grant ACLs");
        // the controller has committed them; wait until the broker's authorizer applies them too, or a client that
        // starts right away is refused
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (true) {
            Collection<AclBinding> known;
            try {
                known = admin.describeAcls(AclBindingFilter.ANY).values().get(TIMEOUT_S, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new LocalStackException("cannot list the ACLs just granted: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalStackException("interrupted while waiting for the ACLs to apply", e);
            }
            if (known.containsAll(bindings)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new LocalStackException("the broker did not apply the granted ACLs within " + TIMEOUT_S + " s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalStackException("interrupted while waiting for the ACLs to apply", e);
            }
        }
    }

    /** Every principal's grants on one cluster that holds every topic (the mirror then only reads what crosses). */
    public static List<AclBinding> bindings(
            Topics topics, String embedderApplicationId, String extractorApplicationId) {
        List<AclBinding> acls = new ArrayList<>();
        producer(acls, topics);
        embedder(acls, topics, embedderApplicationId);
        extractor(acls, topics, extractorApplicationId);
        for (String topic : names(topics.crossing())) {
            topic(acls, Principal.MIRROR, topic, MIRROR_READS);
        }
        viewer(acls, topics);
        return acls;
    }

    /**
     * The grants on the hospital's cluster of a two-cluster stack: producer, embedder, and MirrorMaker 2 as the
     * source of what crosses to the clinic (read) and the target of the receipts coming back (write), with its worker
     * group and bookkeeping topics for the flow back. Nothing for the extractor or the viewer, which have no user
     * there.
     */
    public static List<AclBinding> hospitalBindings(Topics topics, String embedderApplicationId) {
        List<AclBinding> acls = new ArrayList<>();
        producer(acls, topics);
        embedder(acls, topics, embedderApplicationId);
        mirror(acls, names(topics.crossing()), names(topics.crossingBack()), LocalMirror.TARGET);
        return acls;
    }

    /**
     * The grants on a clinic's cluster of a two-cluster stack: extractor, viewer, and MirrorMaker 2 as the target of
     * what crosses from the hospital (write) and the source of the receipts going back (read), with its worker group
     * and bookkeeping topics for the flow from the hospital. Nothing for the producer or the embedder.
     */
    public static List<AclBinding> clinicBindings(Topics topics, String extractorApplicationId) {
        List<AclBinding> acls = new ArrayList<>();
        extractor(acls, topics, extractorApplicationId);
        viewer(acls, topics);
        mirror(acls, names(topics.crossingBack()), names(topics.crossing()), LocalMirror.SOURCE);
        return acls;
    }

    private static void producer(List<AclBinding> acls, Topics topics) {
        for (String topic : List.of(topics.xrays.name(), topics.covers.name())) {
            topic(acls, Principal.PRODUCER, topic, AclOperation.WRITE, AclOperation.DESCRIBE);
        }
    }

    private static void embedder(List<AclBinding> acls, Topics topics, String applicationId) {
        for (String topic :
                List.of(topics.xrays.name(), topics.covers.name(), topics.models.name(), topics.promotions.name())) {
            topic(acls, Principal.EMBEDDER, topic, AclOperation.READ, AclOperation.DESCRIBE);
        }
        for (String topic : List.of(topics.stego.name(), topics.deadLetters.name())) {
            topic(acls, Principal.EMBEDDER, topic, AclOperation.WRITE, AclOperation.DESCRIBE);
        }
        streamsApplication(acls, Principal.EMBEDDER, applicationId);
    }

    private static void extractor(List<AclBinding> acls, Topics topics, String applicationId) {
        for (String topic : List.of(topics.stego.name(), topics.models.name(), topics.promotions.name())) {
            topic(acls, Principal.EXTRACTOR, topic, AclOperation.READ, AclOperation.DESCRIBE);
        }
        for (String topic : List.of(topics.recovered.name(), topics.deadLetters.name(), topics.receipts.name())) {
            topic(acls, Principal.EXTRACTOR, topic, AclOperation.WRITE, AclOperation.DESCRIBE);
        }
        streamsApplication(acls, Principal.EXTRACTOR, applicationId);
    }

    private static void viewer(List<AclBinding> acls, Topics topics) {
        for (String topic : List.of(
                topics.recovered.name(), topics.deadLetters.name(), topics.models.name(), topics.receipts.name())) {
            topic(acls, Principal.VIEWER, topic, AclOperation.READ, AclOperation.DESCRIBE);
        }
        // the audit trail, and the REVIEWED receipts (read back so a study is reviewed once across restarts)
        for (String topic : List.of(topics.audit.name(), topics.receipts.name())) {
            topic(acls, Principal.VIEWER, topic, AclOperation.WRITE, AclOperation.DESCRIBE);
        }
    }

    /**
     * MirrorMaker 2 on one cluster: reads {@code sourceOf} (the flow leaving this cluster), writes {@code targetOf}
     * (the flow arriving), and runs the arriving flow's Connect worker here: its group and its configuration, offset
     * and status topics, all named after {@code arrivingFrom}, the other cluster's alias. No heartbeat, checkpoint or
     * offset-sync topic: MirrorMaker 2 emits none, and skips creating them when refused.
     */
    private static void mirror(
            List<AclBinding> acls, List<String> sourceOf, List<String> targetOf, String arrivingFrom) {
        for (String topic : sourceOf) {
            topic(acls, Principal.MIRROR, topic, MIRROR_READS);
        }
        for (String topic : targetOf) {
            topic(acls, Principal.MIRROR, topic, AclOperation.WRITE, AclOperation.DESCRIBE);
        }
        for (String topic : LocalMirror.workerTopics(arrivingFrom)) {
            topic(
                    acls,
                    Principal.MIRROR,
                    topic,
                    AclOperation.CREATE,
                    AclOperation.READ,
                    AclOperation.WRITE,
                    AclOperation.DESCRIBE,
                    AclOperation.DESCRIBE_CONFIGS);
        }
        String group = LocalMirror.workerGroup(arrivingFrom);
        acls.add(allow(ResourceType.GROUP, group, PatternType.LITERAL, Principal.MIRROR, AclOperation.READ));
        acls.add(allow(ResourceType.GROUP, group, PatternType.LITERAL, Principal.MIRROR, AclOperation.DESCRIBE));
    }

    private static List<String> names(List<TopicSpec<?, ?>> specs) {
        return specs.stream().map(TopicSpec::name).toList();
    }

    /** A Streams application's own resources: its internal topics, its group and its transactional ids. */
    private static void streamsApplication(List<AclBinding> acls, Principal principal, String applicationId) {
        acls.add(allow(ResourceType.TOPIC, applicationId, PatternType.PREFIXED, principal, AclOperation.ALL));
        acls.add(allow(ResourceType.GROUP, applicationId, PatternType.PREFIXED, principal, AclOperation.READ));
        acls.add(allow(ResourceType.GROUP, applicationId, PatternType.PREFIXED, principal, AclOperation.DESCRIBE));
        acls.add(allow(
                ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED, principal, AclOperation.WRITE));
        acls.add(allow(
                ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED, principal, AclOperation.DESCRIBE));
    }

    private static void topic(List<AclBinding> acls, Principal principal, String topic, AclOperation... operations) {
        for (AclOperation operation : operations) {
            acls.add(allow(ResourceType.TOPIC, topic, PatternType.LITERAL, principal, operation));
        }
    }

    private static AclBinding allow(
            ResourceType type, String name, PatternType pattern, Principal principal, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + principal.user(), "*", operation, AclPermissionType.ALLOW));
    }

    private static void await(KafkaFuture<Void> future, String what) {
        try {
            future.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new LocalStackException("cannot " + what + ": " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new LocalStackException("cannot " + what + " within " + TIMEOUT_S + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while trying to " + what, e);
        }
    }
}
