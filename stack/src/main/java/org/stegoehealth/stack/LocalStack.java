package org.stegoehealth.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stegoehealth.processors.StegoConfig;
import org.stegoehealth.processors.admin.TopicAdmin;
import org.stegoehealth.processors.admin.TopicAdminException;
import org.stegoehealth.schemas.HttpSchemaRegistryClient;
import org.stegoehealth.schemas.TopicSpec;
import org.stegoehealth.schemas.Topics;
import org.stegoehealth.stack.KafkaSecurity.Principal;

/**
 * A Kafka broker and a schema registry, both real, both local: what the system needs to run end to end on one
 * machine without Docker. {@link #startWithClinic} adds a second broker, the clinic's cluster, and
 * {@link #startMirror} MirrorMaker 2 copying only the crossing topics ({@link Topics#crossing()}) from the hospital's
 * cluster to the clinic's, and the clinic's receipts ({@link Topics#crossingBack()}) back. Both clusters share the
 * one registry: it holds schemas only.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.start(Path.of("target/local-stack"))) {
 *     Topics topics = new Topics("", stack.schemaRegistryClient(), 3);
 *     stack.createTopics(topics);
 *     // clients use stack.bootstrapServers() and stack.schemaRegistryUrl()
 * }
 * }</pre>
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final short REPLICAS = 1;

    private LocalKafka kafka;
    private LocalRegistry registry;
    private final LocalKafka clinic;
    private LocalMirror mirror;
    private Path mirrorDir;
    private List<String> mirrorTopics;
    private List<String> mirrorBack;
    private final HttpSchemaRegistryClient registryClient;

    private LocalStack(LocalKafka kafka, LocalKafka clinic, LocalRegistry registry) {
        this.kafka = kafka;
        this.clinic = clinic;
        this.registry = registry;
        this.registryClient = new HttpSchemaRegistryClient(registry.ccompatUrl());
    }

    /**
     * Starts the registry and the broker side by side, with the broker's data in {@code workDir/kafka} and the
     * registry's log in {@code workDir/registry}, and returns once both answer.
     */
    public static LocalStack start(Path workDir) {
        return start(workDir, LocalKafka.DEFAULT_START_TIMEOUT);
    }

    /** As {@link #start(Path)}, waiting at most {@code timeout} for each of the two. */
    public static LocalStack start(Path workDir, Duration timeout) {
        return start(workDir, timeout, false, false);
    }

    /**
     * As {@link #start(Path)} with a second broker for the clinic's cluster, its data in {@code workDir/clinic}.
     * {@link #createTopics} then creates the hospital's topics on the first and the clinic's on the second; start
     * the copy between them with {@link #startMirror}.
     */
    public static LocalStack startWithClinic(Path workDir) {
        return start(workDir, LocalKafka.DEFAULT_START_TIMEOUT, true, false);
    }

    /**
     * A secure stack (one cluster): as {@link #start(Path)}, but Kafka takes only SASL/SCRAM-SHA-512 over TLS and
     * refuses what no ACL allows. The certificates, stores and one owner-only configuration file per
     * {@link Principal} are made in {@code workDir/security}; the users and their ACLs for the default topic catalog
     * and application ids are created before this returns ({@link #grantAccess} grants them for other topic
     * prefixes or application ids). The schema registry stays plain HTTP on the loopback interface.
     */
    public static LocalStack startSecure(Path workDir) {
        return start(workDir, LocalKafka.DEFAULT_START_TIMEOUT, false, true);
    }

    /**
     * A secure stack with two clusters: as {@link #startWithClinic}, but each broker takes only SASL/SCRAM-SHA-512
     * over TLS and refuses what no ACL allows, and {@link #startMirror} connects MirrorMaker 2 to both that way, as
     * its own Kafka user {@code mirror}. Each cluster has its own certificate authority, broker certificate and
     * passwords: the hospital's in {@code workDir/security} (users {@code admin}, {@code producer}, {@code embedder},
     * {@code mirror}), the clinic's in {@code workDir/clinic-security} ({@code admin}, {@code extractor},
     * {@code viewer}, {@code mirror}). The users and their ACLs for the default topic catalog and application ids
     * are created before this returns; {@link #grantAccess} grants them for other ones.
     */
    public static LocalStack startSecureWithClinic(Path workDir) {
        return start(workDir, LocalKafka.DEFAULT_START_TIMEOUT, true, true);
    }

    /** The Kafka users of the hospital's cluster when the clinic has its own. */
    public static final Set<Principal> HOSPITAL_USERS =
            EnumSet.of(Principal.ADMIN, Principal.PRODUCER, Principal.EMBEDDER, Principal.MIRROR);

    /** The Kafka users of the clinic's cluster. */
    public static final Set<Principal> CLINIC_USERS =
            EnumSet.of(Principal.ADMIN, Principal.EXTRACTOR, Principal.VIEWER, Principal.MIRROR);

    private static LocalStack start(Path workDir, Duration timeout, boolean withClinic, boolean secure) {
        long started = System.nanoTime();
        // X-rays lie in the brokers' logs: nobody but this user reads anything under the stack's folder
        LocalSupport.createPrivateDirectory(workDir.toAbsolutePath());
        KafkaSecurity security = !secure
                ? null
                : withClinic
                        ? KafkaSecurity.generate(workDir.resolve("security"), HOSPITAL_USERS)
                        : KafkaSecurity.generate(workDir.resolve("security"));
        KafkaSecurity clinicSecurity =
                secure && withClinic ? KafkaSecurity.generate(workDir.resolve("clinic-security"), CLINIC_USERS) : null;
        LocalRegistry registry = LocalRegistry.launch(workDir.resolve("registry"));
        LocalKafka kafka = null;
        LocalKafka clinic = null;
        try {
            kafka = LocalKafka.start(workDir.resolve("kafka"), timeout, security);
            if (withClinic) {
                clinic = LocalKafka.start(workDir.resolve("clinic"), timeout, clinicSecurity);
            }
            registry.awaitReady(timeout);
            if (security != null) {
                StegoConfig defaults = StegoConfig.defaultsOnly();
                Topics topics =
                        new Topics(defaults.topicPrefix(), new HttpSchemaRegistryClient(registry.ccompatUrl()), 1);
                if (clinic == null) {
                    secure(
                            kafka,
                            registry,
                            AccessControl.bindings(
                                    topics, defaults.embedderApplicationId(), defaults.extractorApplicationId()));
                } else {
                    secure(kafka, registry, AccessControl.hospitalBindings(topics, defaults.embedderApplicationId()));
                    secure(clinic, registry, AccessControl.clinicBindings(topics, defaults.extractorApplicationId()));
                }
            }
        } catch (RuntimeException e) {
            for (AutoCloseable part : new AutoCloseable[] {registry, kafka, clinic}) {
                if (part != null) {
                    closeQuietly(part, e);
                }
            }
            throw e;
        }
        LOG.info(
                "Local stack ready in {} s: Kafka {}{}{}, schema registry {}",
                LocalSupport.seconds(System.nanoTime() - started),
                kafka.bootstrapServers(),
                clinic == null ? "" : " (hospital) and " + clinic.bootstrapServers() + " (clinic)",
                !secure
                        ? ""
                        : " (SASL/SCRAM over TLS, ACLs; client settings in " + security.dir()
                                + (clinicSecurity == null ? "" : " and " + clinicSecurity.dir()) + ")",
                registry.ccompatUrl());
        return new LocalStack(kafka, clinic, registry);
    }

    /** One broker's users, the default catalog's ACLs on it, and its principals' configuration files. */
    private static void secure(LocalKafka kafka, LocalRegistry registry, List<AclBinding> bindings) {
        KafkaSecurity security = kafka.security().orElseThrow();
        AccessControl.secure(kafka.bootstrapServers(), security, bindings);
        security.writeConfigFiles(kafka.bootstrapServers(), registry.ccompatUrl());
    }

    /** {@code bootstrap.servers} for Kafka clients (of the hospital's cluster when there are two). */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** {@code bootstrap.servers} of the clinic's cluster: the second broker, or the only one. */
    public String clinicBootstrapServers() {
        return clinic == null ? bootstrapServers() : clinic.bootstrapServers();
    }

    /** The clinic's broker, when this stack has two clusters. */
    public Optional<LocalKafka> clinic() {
        return Optional.ofNullable(clinic);
    }

    /** MirrorMaker 2, once {@link #startMirror} started it. */
    public Optional<LocalMirror> mirror() {
        return Optional.ofNullable(mirror);
    }

    /** The schema registry's Confluent-compatible API root, for {@link HttpSchemaRegistryClient} and other clients. */
    public String schemaRegistryUrl() {
        return registry.ccompatUrl();
    }

    /** A registry client for this stack's registry, shared (its caches are safe to share). */
    public HttpSchemaRegistryClient schemaRegistryClient() {
        return registryClient;
    }

    public LocalKafka kafka() {
        return kafka;
    }

    public LocalRegistry registry() {
        return registry;
    }

    /** Stops the broker (controlled shutdown), as an outage; {@link #startKafka()} brings it back. */
    /**
     * @throws LocalStackException naming the first part of the stack (a broker, the registry, MirrorMaker 2) whose
     *     process has ended
     */
    public void checkAlive() {
        kafka.checkAlive(clinic == null ? "the Kafka broker" : "the hospital's Kafka broker");
        if (clinic != null) {
            clinic.checkAlive("the clinic's Kafka broker");
        }
        registry.checkAlive();
        if (mirror != null) {
            mirror.checkAlive();
        }
    }

    public void stopKafka() {
        kafka.close();
    }

    /** Starts the stopped broker again on the same address and data, and waits until it answers. */
    public void startKafka() {
        kafka = kafka.startAgain(LocalKafka.DEFAULT_START_TIMEOUT);
    }

    /** Stops the registry, as an outage; {@link #startRegistry()} brings it back. */
    public void stopRegistry() {
        registry.close();
    }

    /** Starts the stopped registry again on the same address, and waits until it answers. */
    public void startRegistry() {
        registry = registry.startAgain(LocalRegistry.DEFAULT_START_TIMEOUT);
    }

    /** The security settings of a secure stack ({@link #startSecure}; of the hospital's cluster when there are two). */
    public Optional<KafkaSecurity> security() {
        return kafka.security();
    }

    /**
     * The security settings of the clinic's cluster of a secure two-cluster stack ({@link #startSecureWithClinic});
     * of the only cluster on a secure one-cluster stack.
     */
    public Optional<KafkaSecurity> clinicSecurity() {
        return clinic == null ? security() : clinic.security();
    }

    /**
     * Client settings every Kafka client of this stack needs; add serdes, group ids and the like. On a secure stack
     * they sign in as {@code admin}, the super user.
     */
    public Map<String, Object> clientConfig() {
        return clientConfig(Principal.ADMIN);
    }

    /** As {@link #clientConfig()}, signed in as {@code principal} on a secure stack. */
    public Map<String, Object> clientConfig(Principal principal) {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        security().ifPresent(s -> c.putAll(s.clientConfig(principal)));
        return c;
    }

    /** As {@link #clientConfig(Principal)}, for the clinic's cluster (the only one, on a one-cluster stack). */
    public Map<String, Object> clinicClientConfig(Principal principal) {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, clinicBootstrapServers());
        clinicSecurity().ifPresent(s -> c.putAll(s.clientConfig(principal)));
        return c;
    }

    /**
     * Overrides for a {@link StegoConfig} that reaches this stack (the hospital's cluster when there are two): its
     * broker and registry and, on a secure stack, the {@code kafka.*} settings of {@code principal}.
     */
    public Map<String, String> stegoConfig(Principal principal) {
        Map<String, String> c = new HashMap<>();
        c.put(StegoConfig.BOOTSTRAP_SERVERS, bootstrapServers());
        c.put(StegoConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        security().ifPresent(s -> c.putAll(s.stegoConfig(principal)));
        return c;
    }

    /** As {@link #stegoConfig(Principal)}, for the clinic's cluster (the only one, on a one-cluster stack). */
    public Map<String, String> clinicStegoConfig(Principal principal) {
        Map<String, String> c = new HashMap<>();
        c.put(StegoConfig.BOOTSTRAP_SERVERS, clinicBootstrapServers());
        c.put(StegoConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        clinicSecurity().ifPresent(s -> c.putAll(s.stegoConfig(principal)));
        return c;
    }

    /**
     * On a secure stack, grants each principal its access to the topics of {@code topics} (another topic prefix) and
     * to the internal resources of the two Streams applications with these application ids, on each cluster what
     * belongs there; does nothing otherwise.
     */
    public void grantAccess(Topics topics, String embedderApplicationId, String extractorApplicationId) {
        if (security().isEmpty()) {
            return;
        }
        if (clinic == null) {
            try (Admin admin = Admin.create(kafka.adminConfig())) {
                AccessControl.grant(admin, topics, embedderApplicationId, extractorApplicationId);
            }
            return;
        }
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            AccessControl.grant(admin, AccessControl.hospitalBindings(topics, embedderApplicationId));
        }
        try (Admin admin = Admin.create(clinic.adminConfig())) {
            AccessControl.grant(admin, AccessControl.clinicBindings(topics, extractorApplicationId));
        }
    }

    /**
     * Creates every topic of the catalog with its partitions and configs and one replica (see {@link TopicAdmin});
     * topics that already exist are left as they are.
     */
    public void createTopics(Topics topics) {
        if (clinic == null) {
            createTopics(clientConfig(), kafka, topics.all());
        } else {
            createTopics(clientConfig(), kafka, topics.hospitalSide());
            createTopics(clinic.adminConfig(), clinic, topics.clinicSide());
        }
    }

    /** Creates {@code specs} on {@code broker} with an admin client of {@code adminConfig}. */
    private static void createTopics(Map<String, Object> adminConfig, LocalKafka broker, List<TopicSpec<?, ?>> specs) {
        Properties admin = new Properties();
        admin.putAll(adminConfig);
        try {
            TopicAdmin.create(
                    admin,
                    specs,
                    Optional.of(REPLICAS),
                    StegoConfig.defaultsOnly().maxMessageBytes());
        } catch (TopicAdminException e) {
            throw new LocalStackException(e.getMessage() + "; see " + broker.logFile(), e);
        }
    }

    /**
     * Starts MirrorMaker 2 copying the crossing topics of {@code topics} ({@link Topics#crossing()}) from the
     * hospital's cluster to the clinic's and the receipts ({@link Topics#crossingBack()}) back, under the same names;
     * its log is in {@code workDir/mirror}.
     */
    public LocalMirror startMirror(Topics topics, Path workDir) {
        if (clinic == null) {
            throw new LocalStackException("this local stack has one cluster: start it with startWithClinic to mirror");
        }
        if (mirror != null) {
            throw new LocalStackException("MirrorMaker 2 is already running (pid " + mirror.pid() + ")");
        }
        mirrorDir = workDir.resolve("mirror");
        mirrorTopics = topics.crossing().stream().map(TopicSpec::name).toList();
        mirrorBack = topics.crossingBack().stream().map(TopicSpec::name).toList();
        mirror = launchMirror();
        return mirror;
    }

    /** MirrorMaker 2 with this stack's settings; on a secure stack signed in as {@code mirror} on both clusters. */
    private LocalMirror launchMirror() {
        return LocalMirror.start(
                mirrorDir,
                kafka.bootstrapServers(),
                clinic.bootstrapServers(),
                mirrorTopics,
                mirrorBack,
                StegoConfig.defaultsOnly().maxMessageBytes(),
                kafka.security().map(s -> s.clientConfig(Principal.MIRROR)).orElse(Map.of()),
                clinic.security().map(s -> s.clientConfig(Principal.MIRROR)).orElse(Map.of()));
    }

    /**
     * Kills MirrorMaker 2 (SIGKILL, as a crash) and starts it again with the same configuration: it resumes from the
     * hospital offsets it last committed, so it copies again what it copied since then.
     *
     * @return the new MirrorMaker 2 process
     */
    public LocalMirror killAndRestartMirror() {
        if (mirror == null) {
            throw new LocalStackException("MirrorMaker 2 is not running: start it with startMirror first");
        }
        mirror.kill();
        mirror.close();
        mirror = launchMirror();
        return mirror;
    }

    /** Stops the broker and the registry and waits for both processes to end. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable part : new AutoCloseable[] {mirror, clinic, kafka, registry}) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new LocalStackException(e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeQuietly(AutoCloseable resource, RuntimeException failure) {
        try {
            resource.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }
}
