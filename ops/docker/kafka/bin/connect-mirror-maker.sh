#!/bin/bash
# MirrorMaker 2, dedicated mode, as in the official image: connect-mirror-maker.sh mm2.properties
exec java ${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m} -XX:+UseSerialGC -Djava.awt.headless=true \
  -Dorg.slf4j.simpleLogger.showDateTime=true "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=info ${KAFKA_OPTS:-} \
  -cp "/opt/kafka/libs/*" org.apache.kafka.connect.mirror.MirrorMaker "$@"
