#!/bin/bash
# Runs a Kafka tool class on the broker's classpath, quietly (warnings and errors only).
exec java ${KAFKA_TOOLS_OPTS:--Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC} \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "/opt/kafka/libs/*" "$@"
