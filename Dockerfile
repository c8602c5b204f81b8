# Stego-eHealth image: the `stego` command line with every subcommand (embedder, extractor, producers, trainer).
# Build: docker build -t stego-ehealth .    Run: docker run --rm stego-ehealth --help
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests install

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/ops/target/ops-0.1.0-SNAPSHOT.jar /app/stego.jar
COPY --from=build /src/ops/target/lib /app/lib
COPY models /app/models
COPY samples /app/samples
ENV STEGO_HOME=/app \
    JAVA_TOOL_OPTIONS="-Xmx3g -Dorg.bytedeco.javacpp.maxbytes=3g -Dorg.bytedeco.javacpp.maxphysicalbytes=7g -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 -Dstego.home=/app"
ENTRYPOINT ["java", "-jar", "/app/stego.jar"]
CMD ["--help"]
