# Stego-eHealth image: the `stego` command line with every subcommand (embedder, extractor, producers, trainer).
#   docker build -t stego-ehealth .                 compiles inside Docker (official Maven and Temurin images)
#   docker run --rm stego-ehealth --help
# ops/docker/build-images.sh builds the `runtime` target on a base image made locally (BASE_IMAGE: any image with
# a Java 17+ runtime and useradd) and adds the jars Maven built on the host (ops/docker/app/Dockerfile).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG BASE_IMAGE=eclipse-temurin:17-jre

FROM ${BASE_IMAGE} AS runtime
# an unprivileged user (uid 10001, group 0 so that any uid given with `docker run --user UID:0` can write too)
RUN useradd --system --uid 10001 --gid 0 --home-dir /var/lib/stego --no-create-home stego \
    && mkdir -p /var/lib/stego/state /var/lib/stego/recovered /var/lib/stego/dropbox /var/lib/stego/mirror \
    && mkdir -p /var/lib/stego/keys/hospital /var/lib/stego/keys/clinic /var/lib/stego/kafka-security \
    && chown -R 10001:0 /var/lib/stego && chmod -R g=u /var/lib/stego \
    && chmod 750 /var/lib/stego/kafka-security \
    && chmod 700 /var/lib/stego/keys/hospital /var/lib/stego/keys/clinic
WORKDIR /app
COPY models /app/models
COPY samples /app/samples
COPY ops/docker/app/connected-to-kafka /app/bin/
ENV STEGO_HOME=/app \
    STEGO_STATE_DIR=/var/lib/stego/state \
    JAVA_TOOL_OPTIONS="-Xmx3g -Dorg.bytedeco.javacpp.maxbytes=3g -Dorg.bytedeco.javacpp.maxphysicalbytes=7g -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 -Dstego.home=/app"
USER 10001
ENTRYPOINT ["java", "-jar", "/app/stego.jar"]
CMD ["--help"]

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests install

# default target: compiled inside Docker
FROM runtime AS app
COPY --from=build /src/ops/target/lib /app/lib
COPY --from=build /src/ops/target/ops-0.1.0-SNAPSHOT.jar /app/stego.jar
