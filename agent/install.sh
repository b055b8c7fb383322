#!/bin/sh
# Installs or upgrades spoguild-agent on this server, as root, from a checkout
# of the SPO Guild repository:
#
#   printf '%s\n' 'sga_...' | sudo sh agent/install.sh --service-url URL
#
# The steps are those of agent/README.md ("Or step by step"); running it again
# upgrades the agent and keeps the configuration and the token.
#
# Test hooks, for agent/tests/test_agent_install_script.py only (sudo clears
# them anyway): SPOGUILD_AGENT_HOME (the venv), SPOGUILD_AGENT_CONFIG_DIR,
# SPOGUILD_AGENT_STATE_DIR, SPOGUILD_AGENT_UNIT_DIR, SPOGUILD_AGENT_USER,
# SPOGUILD_AGENT_GROUP (default: the user's name), SPOGUILD_AGENT_OWNER (of the
# files root owns), SPOGUILD_AGENT_PYTHON (default python3) and
# SPOGUILD_AGENT_PIP (the command that installs a folder into the venv).
set -eu

# A hardened root umask (077) would leave the venv unreadable by the agent.
umask 022
# Byte ranges in the patterns below, whatever the operator's locale.
LC_ALL=C

AGENT_HOME=${SPOGUILD_AGENT_HOME:-/opt/spoguild-agent}
CONFIG_DIR=${SPOGUILD_AGENT_CONFIG_DIR:-/etc/spoguild-agent}
STATE_DIR=${SPOGUILD_AGENT_STATE_DIR:-/var/lib/spoguild-agent}
UNIT_DIR=${SPOGUILD_AGENT_UNIT_DIR:-/etc/systemd/system}
AGENT_USER=${SPOGUILD_AGENT_USER:-spoguild-agent}
AGENT_GROUP=${SPOGUILD_AGENT_GROUP:-$AGENT_USER}
OWNER=${SPOGUILD_AGENT_OWNER:-root}
PYTHON=${SPOGUILD_AGENT_PYTHON:-python3}
PIP=${SPOGUILD_AGENT_PIP:-$AGENT_HOME/bin/python -m pip}

CONFIG=$CONFIG_DIR/agent.toml
TOKEN_FILE=$CONFIG_DIR/token
AGENT=$AGENT_HOME/bin/spoguild-agent
UNIT=spoguild-agent
# What systemd gives the service: check runs in the environment the agent
# will, so no SPOGUILD_AGENT_* variable of root's shell changes its verdict.
SERVICE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
DEFAULT_METRICS_URL=http://127.0.0.1:12798/metrics

say() {
    printf '%s\n' "$*"
}

die() {
    printf 'install.sh: %s\n' "$*" >&2
    exit 1
}

usage() {
    cat <<'USAGE'
Usage: sudo sh agent/install.sh --service-url URL [--interval N]
           [--metrics-url URL] [--node-port PORT] [--token-file PATH] [--no-start]

Installs or upgrades spoguild-agent. The token is read from standard input
(printf '%s\n' 'sga_...' | sudo sh agent/install.sh ...), asked for when
standard input is a terminal, or read from --token-file; never give it as an
argument, where ps shows it. Without a new token the current one is kept.
USAGE
}

usage_error() {
    printf 'install.sh: %s\n\n' "$*" >&2
    usage >&2
    exit 2
}

# --- Options ---------------------------------------------------------------

service_url=
interval=
metrics_url=
node_ports=
token_file_arg=
start=yes
config_flags=

parse_options() {
    while [ "$#" -gt 0 ]; do
        case $1 in
            --*=*)
                option=${1%%=*}
                value=${1#*=}
                shift
                set -- "$option" "$value" "$@"
                continue
                ;;
            --service-url | --interval | --metrics-url | --node-port | --token-file)
                [ "$#" -ge 2 ] || usage_error "$1 needs a value"
                ;;
        esac
        case $1 in
            --service-url) service_url=$2 ;;
            --interval) interval=$2 ;;
            --metrics-url) metrics_url=$2 ;;
            --node-port) node_ports=${node_ports:+$node_ports, }$2 ;;
            --token-file) token_file_arg=$2 ;;
            --no-start) start=no ;;
            --token) usage_error "the token is never an argument (ps would show it)" ;;
            -h | --help)
                usage
                exit 0
                ;;
            *) usage_error "unknown option: $1" ;;
        esac
        case $1 in
            --service-url | --interval | --metrics-url | --node-port)
                config_flags="$config_flags $1"
                shift 2
                ;;
            --token-file) shift 2 ;;
            *) shift ;;
        esac
    done
}

check_url() {
    case $2 in
        http://?* | https://?*) ;;
        *) die "$1 must be an http:// or https:// URL, got: $2" ;;
    esac
    case $2 in
        *[!A-Za-z0-9._~:/?#@!\$\&\(\)\*+,\;=%-]*)
            die "$1 may hold only URL characters (no quotes or spaces), got: $2"
            ;;
    esac
}

check_whole_number() {
    case $3 in
        '' | 0* | *[!0-9]* | ??????*) die "$1 must be a whole number, got: $3" ;;
    esac
    [ "$3" -le "$2" ] || die "$1 must be at most $2, got: $3"
}

check_options() {
    [ -z "$service_url" ] || check_url --service-url "$service_url"
    [ -z "$metrics_url" ] || check_url --metrics-url "$metrics_url"
    [ -z "$interval" ] || check_whole_number --interval 3600 "$interval"
    for port in $(printf '%s' "$node_ports" | tr ',' ' '); do
        check_whole_number --node-port 65535 "$port"
    done

    if [ ! -e "$CONFIG" ] && [ -z "$service_url" ]; then
        usage_error "--service-url is needed to write $CONFIG"
    fi
}

# --- Checks before anything is written ---------------------------------------

check_system() {
    [ "$(id -u)" = 0 ] || die "run it as root: sudo sh agent/install.sh ..."
    if [ ! -f "$AGENT_DIR/pyproject.toml" ] || [ ! -f "$AGENT_DIR/$UNIT.service" ]; then
        die "$AGENT_DIR is not the agent's folder: run agent/install.sh from a checkout"
    fi

    command -v "$PYTHON" >/dev/null 2>&1 ||
        die "$PYTHON not found: the agent needs Python 3.11 or newer"
    version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    major=${version%%.*}
    minor=${version#*.}
    if [ "$major" -lt 3 ] || { [ "$major" -eq 3 ] && [ "$minor" -lt 11 ]; }; then
        die "$PYTHON is Python $version; the agent needs 3.11 or newer"
    fi
    # Debian and Ubuntu ship venv without ensurepip unless python3-venv is in.
    if [ ! -x "$AGENT_HOME/bin/python" ] &&
        ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        die "$PYTHON has no venv module: install it (apt install python3-venv" \
            "on Debian and Ubuntu) and run this again"
    fi
}

token=

valid_token() {
    case $1 in
        sga_[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]_?*) ;;
        *) return 1 ;;
    esac
    case ${1#sga_????????_} in
        *[!A-Za-z0-9_-]*) return 1 ;;
    esac
}

prompt_token() {
    if [ -e "$TOKEN_FILE" ]; then
        printf 'Agent token (Enter keeps the current one): ' >&2
    else
        printf "Agent token (from the node's page in SPO Guild): " >&2
    fi
    terminal=$(stty -g)
    trap 'stty "$terminal"' EXIT
    trap 'exit 130' INT TERM
    stty -echo
    IFS= read -r token || true
    stty "$terminal"
    trap - EXIT INT TERM
    printf '\n' >&2
}

read_token() {
    if [ -n "$token_file_arg" ]; then
        [ -r "$token_file_arg" ] || die "cannot read --token-file $token_file_arg"
        IFS= read -r token <"$token_file_arg" || true
    elif [ -t 0 ]; then
        prompt_token
    else
        IFS= read -r token || true
    fi
    # A pasted token may bring a carriage return or spaces; a token has none.
    token=$(printf '%s' "$token" | tr -d ' \t\r')

    if [ -n "$token" ]; then
        valid_token "$token" || die "that is not an agent token (sga_<8 hex>_<secret>):" \
            "copy it again from the node's page in SPO Guild"
    elif [ ! -e "$TOKEN_FILE" ]; then
        die "no token: pipe it in (printf '%s\\n' 'sga_...' | sudo sh agent/install.sh ...)," \
            "type it when asked, or give --token-file PATH"
    fi
}

# --- Steps -------------------------------------------------------------------

make_user() {
    if id "$AGENT_USER" >/dev/null 2>&1; then
        say "user $AGENT_USER: exists"
        return
    fi
    useradd --system --user-group --home-dir "$STATE_DIR" \
        --shell /usr/sbin/nologin "$AGENT_USER"
    say "user $AGENT_USER: created"
}

make_directories() {
    # The spool's directory: check runs before systemd would create it.
    install -d -m 750 -o "$AGENT_USER" -g "$AGENT_GROUP" "$STATE_DIR"
    say "$STATE_DIR: ready for the spool"
    install -d -m 750 -o "$OWNER" -g "$AGENT_GROUP" "$CONFIG_DIR"
    say "$CONFIG_DIR: ready"
}

install_agent() {
    if [ -x "$AGENT_HOME/bin/python" ]; then
        say "$AGENT_HOME: virtualenv exists"
    else
        "$PYTHON" -m venv "$AGENT_HOME"
        say "$AGENT_HOME: virtualenv created"
    fi
    # A folder is always reinstalled, even at the same version: an upgrade.
    # shellcheck disable=SC2086 # PIP is a command line, split on purpose.
    $PIP install --quiet --disable-pip-version-check "$AGENT_DIR"
    say "agent: spoguild-agent $("$AGENT" --version) installed from $AGENT_DIR"
}

# Writes stdin to $1 atomically, created with mode 640 for the agent's group.
write_private() {
    install -m 640 -o "$OWNER" -g "$AGENT_GROUP" /dev/null "$1.new"
    cat >"$1.new"
    mv -f "$1.new" "$1"
}

config_text() {
    cat <<TOML
# Written by agent/install.sh; running it again with --service-url, --interval,
# --metrics-url or --node-port sets those keys and keeps every other line.
# Every setting: agent/spoguild-agent.example.toml.
service_url = "$service_url"
token_file = "$TOKEN_FILE"
metrics_url = "${metrics_url:-$DEFAULT_METRICS_URL}"
interval = ${interval:-60}
spool_path = "$STATE_DIR/spool.db"
TOML
    if [ -n "$node_ports" ]; then
        printf 'node_ports = [%s]\n' "$node_ports"
    else
        printf '%s\n' "# node_ports = [3001]   # the node's port, to count incoming peers"
    fi
}

write_config() {
    if [ -z "$config_flags" ]; then
        say "$CONFIG: kept"
        return
    fi
    if [ -e "$CONFIG" ]; then
        update_config
        return
    fi
    config_text | write_private "$CONFIG"
    say "$CONFIG: written"
}

# An existing file gets only the settings given as flags: lines the operator
# added by hand (node_ports, disk_exclude, opcert_file...) stay as they are.
update_config() {
    set_key service_url "${service_url:+\"$service_url\"}" <"$CONFIG" |
        set_key metrics_url "${metrics_url:+\"$metrics_url\"}" |
        set_key interval "$interval" |
        set_key node_ports "${node_ports:+[$node_ports]}" |
        write_private "$CONFIG.next"
    if cmp -s "$CONFIG.next" "$CONFIG"; then
        rm -f "$CONFIG.next"
        say "$CONFIG: kept, already as given"
        return
    fi
    cp -p "$CONFIG" "$CONFIG.bak"
    mv -f "$CONFIG.next" "$CONFIG"
    say "$CONFIG: updated$config_flags; the old one is $CONFIG.bak"
}

# Copies the TOML on stdin with KEY set to VALUE: on its own line where it has
# one, else added at the end. An empty VALUE leaves the text as it is.
set_key() {
    if [ -z "$2" ]; then
        cat
        return
    fi
    awk -v key="$1" -v value="$2" '
        $0 ~ "^" key "[ \t]*=" { if (!done) print key " = " value; done = 1; next }
        { print }
        END { if (!done) print key " = " value }'
}

write_token() {
    current=
    [ ! -r "$TOKEN_FILE" ] || IFS= read -r current <"$TOKEN_FILE" || true
    if [ -z "$token" ]; then
        say "$TOKEN_FILE: kept"
    elif [ "$token" = "$current" ]; then
        say "$TOKEN_FILE: kept, the same token"
    else
        printf '%s\n' "$token" | write_private "$TOKEN_FILE"
        say "$TOKEN_FILE: written"
    fi
}

quote() {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

as_agent_user() {
    if command -v runuser >/dev/null 2>&1; then
        runuser -u "$AGENT_USER" -- "$@"
        return
    fi
    line='exec'
    for word in "$@"; do
        line="$line $(quote "$word")"
    done
    su -s /bin/sh -c "$line" "$AGENT_USER"
}

run_check() {
    say "check: spoguild-agent check --config $CONFIG, as $AGENT_USER"
    if as_agent_user env -i PATH="$SERVICE_PATH" "$AGENT" check --config "$CONFIG" \
        >"$WORK/check.out" 2>"$WORK/check.err"; then
        sed 's/^/  /' "$WORK/check.err"
        return
    fi
    sed 's/^/  /' "$WORK/check.err" >&2
    die "the check failed, so the service is not started: fix what it says" \
        "and run this again"
}

systemd_running() {
    command -v systemctl >/dev/null 2>&1 || return 1
    state=$(systemctl is-system-running 2>/dev/null) || true
    case $state in
        '' | offline | unknown) return 1 ;;
    esac
}

start_service() {
    if ! systemd_running; then
        say "systemd: not running here; start the agent as $AGENT_USER with:" \
            "$AGENT run --config $CONFIG"
        return
    fi

    if cmp -s "$AGENT_DIR/$UNIT.service" "$UNIT_DIR/$UNIT.service"; then
        say "$UNIT_DIR/$UNIT.service: unchanged"
    else
        install -m 644 "$AGENT_DIR/$UNIT.service" "$UNIT_DIR/$UNIT.service"
        systemctl daemon-reload
        say "$UNIT_DIR/$UNIT.service: installed"
    fi

    if [ "$start" = no ]; then
        if systemctl is-active --quiet "$UNIT"; then
            say "systemd: --no-start; the running agent is the old one until:" \
                "systemctl restart $UNIT"
        else
            say "systemd: --no-start; start it with: systemctl enable --now $UNIT"
        fi
    elif systemctl is-active --quiet "$UNIT"; then
        systemctl restart "$UNIT"
        say "systemd: $UNIT restarted; follow it with: journalctl -u $UNIT -f"
    else
        systemctl enable --now "$UNIT"
        say "systemd: $UNIT enabled and started; follow it with: journalctl -u $UNIT -f"
    fi
}

main() {
    parse_options "$@"
    AGENT_DIR=$(cd "$(dirname "$0")" && pwd -P)
    check_system
    check_options
    read_token

    say "Installing spoguild-agent from $AGENT_DIR"
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
    trap 'exit 130' INT TERM
    make_user
    make_directories
    install_agent
    write_config
    write_token
    run_check
    start_service
}

main "$@"
