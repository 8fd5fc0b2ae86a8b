#!/usr/bin/env bash
# Create every topic listed in topics.txt, with its partitions and configs. Idempotent:
# a topic that exists is left as it is (check its partition count by hand if in doubt).
#
#   KAFKA_BOOTSTRAP=kafka:9092 deploy/kafka/create-topics.sh
#
# Environment:
#   KAFKA_BOOTSTRAP            host:port[,host:port] (required)
#   GOVSHARE_TOPIC_PARTITIONS  partitions of the "P" topics (default 4; must equal the
#                              services' GOVSHARE_TOPIC_PARTITIONS)
#   TOPIC_REPLICATION          replication factor (default 1; 3 on a real cluster)
#   TOPIC_MIN_INSYNC_REPLICAS  min.insync.replicas (default 1; 2 on a real cluster)
#   KAFKA_COMMAND_CONFIG       client properties file for TLS/SASL (optional)
#   KAFKA_TOPICS               kafka-topics.sh to run (default: the apache/kafka image's)
#   TOPICS_FILE                the topic list (default: topics.txt beside this script)
set -euo pipefail

: "${KAFKA_BOOTSTRAP:?set KAFKA_BOOTSTRAP to the broker address (host:port)}"
partitions="${GOVSHARE_TOPIC_PARTITIONS:-4}"
replication="${TOPIC_REPLICATION:-1}"
min_isr="${TOPIC_MIN_INSYNC_REPLICAS:-1}"
kafka_topics="${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}"
topics_file="${TOPICS_FILE:-$(dirname "$0")/topics.txt}"

created=0
while read -r name parts configs; do
  case "$name" in '' | '#'*) continue ;; esac
  if [[ "$parts" == P ]]; then
    parts="$partitions"
  fi
  args=(--bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists --topic "$name"
    --partitions "$parts" --replication-factor "$replication"
    --config "min.insync.replicas=$min_isr")
  if [[ "$configs" != - ]]; then
    IFS=, read -ra pairs <<<"$configs"
    for pair in "${pairs[@]}"; do
      args+=(--config "$pair")
    done
  fi
  if [[ -n "${KAFKA_COMMAND_CONFIG:-}" ]]; then
    args+=(--command-config "$KAFKA_COMMAND_CONFIG")
  fi
  "$kafka_topics" "${args[@]}"
  created=$((created + 1))
done <"$topics_file"
echo "create-topics: $created topics ensured on $KAFKA_BOOTSTRAP"
