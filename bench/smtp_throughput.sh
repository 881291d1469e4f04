#!/usr/bin/env bash
# SMTP transport throughput: DispatchHub's SmtpTransport vs Postfix's smtp-source, both into
# smtp-sink on loopback in the same run; then both through a proxy that delays every server reply.
#
#   bench/smtp_throughput.sh [BUILD_DIR]
#   env: MESSAGES (50000), DELAYED_MESSAGES (10000), CONNECTIONS (20), DELAY_MS (5), SIZE (2048), ROUNDS (1)
#
# Needs: postfix (smtp-sink, smtp-source), run as root (smtp-sink -u postfix), the smtp_bench and
# delay_proxy targets built in BUILD_DIR. Prints one line per run and a summary with the ratios.
set -euo pipefail
BUILD=${1:-build}
MESSAGES=${MESSAGES:-50000}
DELAYED_MESSAGES=${DELAYED_MESSAGES:-10000}
CONNECTIONS=${CONNECTIONS:-20}
DELAY_MS=${DELAY_MS:-5}
SIZE=${SIZE:-2048}
ROUNDS=${ROUNDS:-1}
BENCH=$BUILD/bench/smtp_bench
PROXY=$BUILD/bench/delay_proxy
for f in "$BENCH" "$PROXY"; do [[ -x $f ]] || { echo "missing $f: cmake --build $BUILD --target smtp_bench delay_proxy" >&2; exit 1; }; done

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SINK_PORT=$(free_port)
PROXY_PORT=$(free_port)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# -h: no hostname lookup; backlog 1024; smtp-sink answers 250 to everything and discards the data.
smtp-sink -u postfix -h bench-sink 127.0.0.1:$SINK_PORT 1024 >/dev/null 2>&1 &
PIDS+=($!)
"$PROXY" "$PROXY_PORT" 127.0.0.1 "$SINK_PORT" "$DELAY_MS" >/dev/null 2>&1 &
PIDS+=($!)
sleep 0.5

# smtp-source: -d keep connections, -s sessions, -m messages, -l body length. Prints msg/s and CPU s/msg.
run_source() {  # port messages
    local out
    out=$( { /usr/bin/time -f "%e %U %S" smtp-source -d -s "$CONNECTIONS" -m "$2" -l "$SIZE" \
               -f bench@dispatch.example.com -t vendor@vendors.example.net 127.0.0.1:"$1" >/dev/null; } 2>&1 | tail -1)
    awk -v n="$2" '{ printf "%.0f %.1f\n", n / $1, ($2 + $3) * 1e6 / n }' <<<"$out"
}
run_hub() {  # port messages [--no-pipelining]
    "$BENCH" --url "smtp://127.0.0.1:$1?tls=none" --messages "$2" --connections "$CONNECTIONS" --size "$SIZE" ${3:-} \
        2>/dev/null | sed -E 's/.*"msg_per_s": ([0-9]+).*"cpu_us_per_msg": ([0-9.]+).*/\1 \2/'
}

printf "%-34s %10s %14s\n" "run" "msg/s" "CPU us/msg"
declare -A total
for round in $(seq "$ROUNDS"); do
    for run in "source direct:$SINK_PORT:$MESSAGES" "hub direct:$SINK_PORT:$MESSAGES" \
               "source via ${DELAY_MS}ms proxy:$PROXY_PORT:$DELAYED_MESSAGES" \
               "hub via ${DELAY_MS}ms proxy:$PROXY_PORT:$DELAYED_MESSAGES" \
               "hub lockstep via ${DELAY_MS}ms proxy:$PROXY_PORT:$DELAYED_MESSAGES"; do
        IFS=: read -r name port n <<<"$run"
        if [[ $name == source* ]]; then
            read -r rate cpu < <(run_source "$port" "$n")
        elif [[ $name == *lockstep* ]]; then
            read -r rate cpu < <(run_hub "$port" "$n" --no-pipelining)  # for comparison: pipelining off
        else
            read -r rate cpu < <(run_hub "$port" "$n")
        fi
        printf "%-34s %10s %14s   (round %d, %d messages, %d connections)\n" "$name" "$rate" "$cpu" "$round" "$n" "$CONNECTIONS"
        total[$name]=$(( ${total[$name]:-0} + rate ))
    done
done
d=${total["hub direct"]}; s=${total["source direct"]}
dd=${total["hub via ${DELAY_MS}ms proxy"]}; sd=${total["source via ${DELAY_MS}ms proxy"]}
awk -v d="$d" -v s="$s" -v dd="$dd" -v sd="$sd" -v r="$ROUNDS" 'BEGIN {
    printf "\nmean over %d round(s): direct %.0f vs %.0f msg/s = %.2fx (goal >= 0.8x); ", r, d/r, s/r, d/s
    printf "via proxy %.0f vs %.0f msg/s = %.2fx (goal >= 1.8x)\n", dd/r, sd/r, dd/sd }'
