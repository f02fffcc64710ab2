#!/usr/bin/env bash
# Sourced by the provision scripts: installs the Debian packages of one or more tiers from
# host-packages.tsv and checks, after the install, that each command of those tiers is there and
# belongs to the package its row names. A row that names the wrong package, or a command no package
# provides, fails here with the package's name instead of minutes later in a test.

HOST_PACKAGES_TSV="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/host-packages.tsv"

# The rows of the given tiers: tier, package, commands (tab-separated), comments left out.
host_package_rows() {
  awk -F'\t' -v tiers=" $* " '!/^#/ && NF == 3 && index(tiers, " " $1 " ")' "$HOST_PACKAGES_TSV"
}

# Where a command of a row is: a path as it is, any other name as found on PATH; empty when absent.
host_command_path() {
  if [[ $1 == /* ]]; then
    [[ -x $1 ]] && echo "$1"
  else
    # The file on PATH: `command -v` would name a shell builtin (kill) instead.
    type -P "$1" 2>/dev/null || true
  fi
}

# True when the file at $2 (after symlinks, alternatives and the merged /usr) is one of package $1's.
host_package_owns() {
  local package=$1 wanted listed
  wanted=$(readlink -f "$2")
  while read -r listed; do
    [[ $(readlink -f "$listed") == "$wanted" ]] && return 0
  done < <(dpkg-query -L "$package" 2>/dev/null | grep -E "/($(basename "$2")|$(basename "$wanted"))\$")
  return 1
}

# Fails, naming the package, when a command of the given tiers is absent or is not its package's.
check_host_packages() {
  local failed=0 tier package commands command path
  while IFS=$'\t' read -r tier package commands; do
    for command in $commands; do
      path=$(host_command_path "$command")
      if [[ -z $path ]]; then
        echo "$command is missing: the $tier tier gets it from Debian's $package (.ci/host-packages.tsv)" >&2
        failed=1
      elif ! host_package_owns "$package" "$path"; then
        echo "$command ($path) is not from Debian's $package, which .ci/host-packages.tsv says provides it for the $tier tier" >&2
        failed=1
      fi
    done
  done < <(host_package_rows "$@")
  return $failed
}

# Installs the packages of the given tiers that are not installed, then checks their commands.
provision_host_packages() {
  local missing=() tier package commands policy=/usr/sbin/policy-rc.d own_policy=false
  while IFS=$'\t' read -r tier package commands; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' &&
      [[ " ${missing[*]} " != *" $package "* ]]; then
      missing+=("$package")
    fi
  done < <(host_package_rows "$@")
  if ((${#missing[@]})); then
    echo "installing ${missing[*]} from Debian" >&2
    # No init system here: a policy-rc.d that refuses (101) keeps post-install scripts from starting
    # services (containerd's would fail the install); only ours is removed afterwards.
    if [[ ! -e $policy ]]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy"
      chmod 755 "$policy"
      own_policy=true
    fi
    local status=0
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
    if $own_policy; then
      rm -f "$policy"
    fi
    ((status == 0)) || return $status
  fi
  check_host_packages "$@"
}
