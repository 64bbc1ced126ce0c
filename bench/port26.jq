# bench/port26.jq - Elastic's rule "SMTP to the Internet on Port 26/TCP"
# (rules/command_and_control_smtp_to_the_internet_port_26.toml) in jq
# 1.6, with the meaning Elasticsearch gives it on ECS, as far as jq can:
#
#   (data_stream.dataset:(network_traffic.flow or zeek.smtp)
#      or event.category:(network or network_traffic))
#   and network.transport:tcp and destination.port:26
#   and source.ip:(10.0.0.0/8 or 172.16.0.0/12 or 192.168.0.0/16)
#   and not destination.ip:(26 blocks)
#
# Run over NDJSON with -n; $mode "lines" prints the line number of each
# match (the events are counted, so a blank line would shift them),
# "count" the number of matches:
#
#   jq -n --arg mode lines -f bench/port26.jq events.ndjson
#
# What it does as Elasticsearch does: a field is found nested
# ({"destination":{"port":26}}), dotted ({"destination.port":26}) or in
# arrays of objects, and any element of an array satisfies a test;
# destination.port (long) takes numbers and numeric strings ("26"),
# fractions truncated; source.ip and destination.ip (ip) are parsed,
# IPv4, IPv6 with "::" and an IPv4 tail, hex in any case, IPv4-mapped
# addresses being their IPv4 address, and compared by CIDR block as
# 128-bit numbers; a text that is no address matches no block, so
# 'not destination.ip:(...)' holds for it, and for an event without
# destination.ip.
#
# Where it is narrower: a keyword field holding a number or a boolean
# is compared as jq prints it again, not as the document wrote it
# (1.0 reads "1"); a numeric string is read by jq's number parser, which
# allows what Elasticsearch may refuse (white space around it); a line
# that is no JSON stops jq, where a detector reports it and goes on.
# None of these occurs in bench/gen's events.

def leaves: if type == "array" then .[] | leaves else . end;

# The values of the ECS field A.B wherever the document puts them.
def field($a; $b):
  ((.[$a]? | leaves | objects | .[$b]?), .["\($a).\($b)"]?)
  | leaves | select(. != null);

# keyword: the text of a value.
def keyword:
  if type == "string" then .
  elif type == "number" or type == "boolean" then tojson
  else empty end;

# long: a number, or a string holding one; integers drop the fraction.
def long:
  (if type == "number" then .
   elif type == "string" then (tonumber? // empty)
   else empty end)
  | if . >= 0 then floor else ceil end;

def hex16:
  explode
  | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 else $c - 48 end));

# Two 16-bit groups of dotted-quad IPv4 text, or nothing.
def ip4_groups:
  split(".") as $p
  | if ($p | length) == 4 and all($p[]; test("^[0-9]{1,3}$")) then
      ($p | map(tonumber)) as $n
      | if all($n[]; . <= 255)
        then [$n[0] * 256 + $n[1], $n[2] * 256 + $n[3]]
        else empty end
    else empty end;

# $need 16-bit groups of IPv6 text (no IPv4 tail), "::" expanded.
def ip6_groups($need):
  split("::") as $parts
  | (if ($parts | length) > 2 then empty
     elif ($parts | length) == 2 then
       ($parts[0] | if . == "" then [] else split(":") end) as $h
       | ($parts[1] | if . == "" then [] else split(":") end) as $t
       | if ($h | length) + ($t | length) >= $need then empty
         else $h + [range($need - ($h | length) - ($t | length)) | "0"]
                 + $t end
     else split(":") | if length == $need then . else empty end
     end)
  | if all(.[]; test("^[0-9a-f]{1,4}$")) then map(hex16) else empty end;

# An address as eight 16-bit groups, IPv4 as IPv4-mapped IPv6; nothing
# for a value that is no address.
def ip:
  if type != "string" then empty
  elif test(":") | not then [0, 0, 0, 0, 0, 65535] + ip4_groups
  else
    ascii_downcase as $s
    | if test("\\.") then
        ($s | split(":") | last) as $v4
        | ($s[0:($s | length) - ($v4 | length)]
           | if endswith("::") then . else .[0:length - 1] end) as $head
        | ($v4 | ip4_groups) as $tail
        | ($head | ip6_groups(6)) + $tail
      else $s | ip6_groups(8) end
  end;

# A CIDR block as [groups, prefix bits over 128].
def cidr:
  split("/") as $p
  | [($p[0] | ip),
     (if ($p | length) == 1 then 128
      elif ($p[0] | test(":")) then ($p[1] | tonumber)
      else ($p[1] | tonumber) + 96 end)];

def pow2: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096,
           8192, 16384, 32768, 65536];

# True when the address (eight groups) lies in block $b.
def in_block($b):
  . as $a
  | all(range(0; 8);
      . as $i
      | ($b[1] - $i * 16) as $r
      | if $r >= 16 then $a[$i] == $b[0][$i]
        elif $r <= 0 then true
        else pow2[16 - $r] as $d
             | ($a[$i] / $d | floor) == ($b[0][$i] / $d | floor) end);

def in_any($blocks): . as $a | any($blocks[]; . as $b | $a | in_block($b));

# The rule, cheapest and most selective tests first ('and' stops at the
# first false one).
def port26($private; $excluded):
  any(field("destination"; "port") | long; . == 26)
  and any(field("network"; "transport") | keyword; . == "tcp")
  and (any(field("data_stream"; "dataset") | keyword;
           . == "network_traffic.flow" or . == "zeek.smtp")
       or any(field("event"; "category") | keyword;
              . == "network" or . == "network_traffic"))
  and any(field("source"; "ip") | ip; in_any($private))
  and (any(field("destination"; "ip") | ip; in_any($excluded)) | not);

(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] | map(cidr)) as $private
| (["10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.0.0/29", "192.0.0.10/32",
    "192.0.0.170/32", "192.0.0.171/32", "192.0.0.8/32", "192.0.0.9/32",
    "192.0.2.0/24", "192.168.0.0/16", "192.175.48.0/24", "192.31.196.0/24",
    "192.52.193.0/24", "192.88.99.0/24", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "::1", "FE80::/10",
    "FF00::/8"] | map(cidr)) as $excluded
| if $mode == "count" then
    reduce inputs as $e (0;
      if $e | port26($private; $excluded) then . + 1 else . end)
  else
    foreach inputs as $e (0; . + 1;
      if $e | port26($private; $excluded) then . else empty end)
  end
