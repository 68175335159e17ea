package ProFTPD::TestServer;

# The harness of the Perl suite (perl-tests/t): one daemon per test, started
# the way an admin starts it.
#
#   my $srv = ProFTPD::TestServer->new(
#       users  => [ { name => 'demo', password => 'demo' } ],
#       config => "AuthUserFile {dir}/ftpd.passwd\n",
#   );
#   my $ftp = $srv->ftp;                    # Net::FTP, connected
#   my $c   = $srv->raw;                    # ProFTPD::TestServer::Control
#   is($c->banner, "220 ProFTPD Server (ProFTPD) [127.0.0.1]\r\n");
#   $srv->stop;                             # also done on destruction
#
# Each server gets a fresh 0755 temporary directory holding its config,
# PidFile, SystemLog, port file, AuthUserFile/AuthGroupFile and the users'
# homes. The daemon runs in daemon mode (no -n) as
#
#   proftpd -q -c <abs config> --port-file <dir>/ports [-D NAME ...]
#
# so the test also proves that it daemonizes and writes its PidFile. The
# config says `Port 0`; the hidden --port-file flag makes the master write
# `<addr>:<port>\n` per listener once they are bound. Every wait is bounded
# (the constants below). Core Perl only.

use strict;
use warnings;

use Carp qw(croak);
use Cwd qw(abs_path);
use Errno qw(ESRCH);
use File::Basename qw(dirname);
use File::Spec;
use File::Temp qw(tempdir);
use IO::Select;
use IO::Socket::INET;
use Net::FTP;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);
use ProFTPD::Files qw(read_file session_ids);

use Exporter 'import';
our @EXPORT_OK = qw(proftpd_bin is_root free_port crypt_password
    auth_user_line skip_unless_root DEMO_HASH);

# How long the daemon may take to daemonize and write PidFile + port file.
our $STARTUP_TIMEOUT = 5;
# How long one reply may take to arrive completely.
our $REPLY_TIMEOUT = 5;
# SIGTERM must end the master within this (issue 2: "gone within two").
our $STOP_GRACE = 2;
# Polling step of the bounded waits.
my $POLL = 0.01;
# The longest reply accepted before calling it runaway output.
our $MAX_REPLY_BYTES = 1 << 20;

# SHA-512 crypt of "demo" (the fixture tests/common/mod.rs uses too).
use constant DEMO_HASH => '$6$quickstart$CsGnIj5k66LooYo675r1nSnt830zLsTD3o8xSZw73hUPbxwQv.DslNP1OZ8e5UAIR9R6LlKIUFmjwqXdFbVc61';

my $REPO = abs_path(File::Spec->catdir(dirname(abs_path(__FILE__)), '..', '..', '..'));

# The daemon under test: $PROFTPD_TEST_BIN, else the release build, else
# the debug build of this checkout.
sub proftpd_bin {
    return File::Spec->rel2abs($ENV{PROFTPD_TEST_BIN})
        if defined $ENV{PROFTPD_TEST_BIN} && $ENV{PROFTPD_TEST_BIN} ne q();
    for my $p ("$REPO/target/release/proftpd", "$REPO/target/debug/proftpd") {
        return $p if -x $p;
    }
    return "$REPO/target/release/proftpd";
}

sub is_root { return $> == 0 }

# For a test file: `skip_unless_root();` before the plan.
sub skip_unless_root {
    return if is_root();
    require Test::More;
    Test::More::plan(skip_all => 'needs root (run the suite as root to include it)');
}

# An unused TCP port on 127.0.0.1 (racy by nature; the daemon itself
# prefers Port 0). Used for servers that cannot report their port.
sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
        Proto => 'tcp', Listen => 1, ReuseAddr => 1)
        or croak "free_port: $!";
    my $port = $s->sockport;
    close $s;
    return $port;
}

# crypt(3) SHA-512 hash through Perl's builtin crypt().
sub crypt_password {
    my ($password, $salt) = @_;
    return DEMO_HASH if $password eq 'demo' && !defined $salt;
    $salt = 'proftpdrstest' unless defined $salt;
    my $h = crypt($password, '$6$' . $salt . '$');
    croak "crypt() does not support SHA-512 here" unless defined $h && $h =~ /^\$6\$/;
    return $h;
}

# One passwd(5) line for an AuthUserFile.
sub auth_user_line {
    my (%u) = @_;
    return join(':', $u{name}, crypt_password($u{password}), $u{uid}, $u{gid},
        $u{gecos} // $u{name}, $u{home}, $u{shell} // '/bin/sh');
}

sub _write_private {
    my ($path, $text) = @_;
    open(my $fh, '>', $path) or croak "$path: $!";
    print {$fh} $text;
    close $fh or croak "$path: $!";
    chmod 0600, $path;
}

# The header every harness config starts with.
sub header_text {
    my ($dir) = @_;
    return "# written by perl-tests/lib/ProFTPD/TestServer.pm\n"
        . "ServerType standalone\n"
        . "UseIPv6 off\n"
        . "DefaultAddress 127.0.0.1\n"
        . "SocketBindTight on\n"
        . "Port 0\n"
        . "PidFile $dir/proftpd.pid\n"
        . "SystemLog $dir/proftpd.log\n";
}

# Options: config (text after the header; {dir} expands), users (list of
# {name, password, uid, gid, home, shell}), defines (list for -D), header
# (0 to leave it out), quiet (0 to drop -q; stderr goes to stderr.log).
sub new {
    my ($class, %o) = @_;
    my $dir = tempdir('proftpd-rs-perl.XXXXXX', TMPDIR => 1, CLEANUP => 1);
    chmod 0755, $dir;
    my $self = bless {
        dir     => $dir,
        bin     => $o{bin} // proftpd_bin(),
        defines => $o{defines} // [],
        quiet   => $o{quiet} // 1,
        pid     => undef,
        addrs   => [],
    }, $class;

    my (@plines, %groups, @gorder);
    for my $u (@{ $o{users} // [] }) {
        my ($uid, $gid) = session_ids();
        my %u = (uid => $uid, gid => $gid, %$u);
        $u{home} //= "$dir/home/$u{name}";
        _make_home($u{home}, $u{uid}, $u{gid});
        push @plines, auth_user_line(%u) . "\n";
        push @gorder, $u{gid} unless $groups{ $u{gid} };
        push @{ $groups{ $u{gid} } }, $u{name};
    }
    if (@plines) {
        _write_private("$dir/ftpd.passwd", join('', @plines));
        _write_private("$dir/ftpd.group",
            join('', map { "$groups{$_}[0]:x:$_:" . join(',', @{ $groups{$_} }) . "\n" } @gorder));
    }

    my $body = $o{config} // '';
    $body =~ s/\{dir\}/$dir/g;
    my $text = (($o{header} // 1) ? header_text($dir) : '') . $body;
    $self->{config_path} = "$dir/proftpd.conf";
    open(my $fh, '>', $self->{config_path}) or croak "config: $!";
    print {$fh} $text;
    close $fh;

    $self->_start unless $o{no_start};
    return $self;
}

# A server with the AuthUserFile user demo/demo (and any extra config),
# the setup most tests share: ServerName "T", ServerAdmin ops@example.com.
sub demo {
    my ($class, %o) = @_;
    my $extra = delete $o{config} // '';
    return $class->new(
        users  => [ { name => 'demo', password => 'demo' } ],
        config => "ServerName \"T\"\n"
            . "ServerAdmin ops\@example.com\n"
            . "AuthOrder mod_auth_file.c\n"
            . "AuthUserFile {dir}/ftpd.passwd\n"
            . "AuthGroupFile {dir}/ftpd.group\n"
            . "RequireValidShell off\n"
            . $extra,
        %o,
    );
}

# The demo user's home (what PWD shows after login, without DefaultRoot).
sub home { "$_[0]{dir}/home/$_[1]" }

sub _make_home {
    my ($home, $uid, $gid) = @_;
    my $p = '';
    for my $part (grep { length } split m{/}, $home) {
        $p .= "/$part";
        mkdir $p, 0755 unless -d $p;
    }
    chmod 0755, $home;
    chown $uid, $gid, $home if is_root();
}

sub dir         { $_[0]{dir} }
sub config_path { $_[0]{config_path} }
sub pid         { $_[0]{pid} }
sub port        { $_[0]{addrs}[0][1] }
sub host        { $_[0]{addrs}[0][0] }
sub addrs       { @{ $_[0]{addrs} } }

sub system_log { read_file("$_[0]{dir}/proftpd.log") // '' }
sub stderr_log { read_file("$_[0]{dir}/stderr.log") // '' }

sub diagnostics {
    my ($self) = @_;
    return "--- config ($self->{config_path})\n" . (read_file($self->{config_path}) // '')
        . "--- stderr\n" . $self->stderr_log . "--- SystemLog\n" . $self->system_log;
}

# Starts the daemon; returns the error text (or '') and dies unless
# `try_start` is used.
sub _start {
    my ($self) = @_;
    my $err = $self->try_start;
    croak "proftpd did not start: $err\n" . $self->diagnostics if $err;
}

sub try_start {
    my ($self) = @_;
    my $dir = $self->{dir};
    my $port_file = "$dir/ports";
    my $pid_file = "$dir/proftpd.pid";
    unlink $port_file, $pid_file;
    my @cmd = ($self->{bin}, ($self->{quiet} ? ('-q') : ()), '-c', $self->{config_path},
        '--port-file', $port_file, map { ('-D', $_) } @{ $self->{defines} });
    $self->{cmd} = \@cmd;

    my $child = fork();
    return "fork: $!" unless defined $child;
    if ($child == 0) {
        chdir $dir;
        open(STDIN, '<', '/dev/null');
        open(STDOUT, '>', '/dev/null');
        open(STDERR, '>', "$dir/stderr.log");
        { no warnings q(exec); exec { $cmd[0] } @cmd; }
        POSIX::_exit(127);
    }

    # The parent of a daemonizing proftpd exits once the daemon is forked.
    my $deadline = time + $STARTUP_TIMEOUT;
    my ($status, $reaped);
    while (time < $deadline) {
        my $r = waitpid($child, WNOHANG);
        if ($r == $child) { $status = $?; $reaped = 1; last }
        sleep $POLL;
    }
    unless ($reaped) {
        kill 'KILL', $child;
        waitpid($child, 0);
        return "proftpd -q (no -n) did not return to its caller within ${STARTUP_TIMEOUT}s";
    }
    return "proftpd exited with status " . ($status >> 8) . ($status & 127 ? " (signal " . ($status & 127) . ")" : '')
        if $status != 0;

    while (time < $deadline) {
        my $pidt = read_file($pid_file);
        my $portt = read_file($port_file);
        if (!defined $self->{pid} && defined $pidt && $pidt =~ /^(\d+)\n/) {
            $self->{pid} = $1;
        }
        if (defined $self->{pid} && defined $portt && $portt =~ /\n\z/) {
            for my $l (split /\n/, $portt) {
                if ($l =~ /^\[?([^\]]+?)\]?:(\d+)$/) {
                    push @{ $self->{addrs} }, [$1, $2];
                } else {
                    return "bad port file line '$l'";
                }
            }
            return @{ $self->{addrs} } ? '' : 'empty port file';
        }
        sleep $POLL;
    }
    my $what = defined $self->{pid} ? "port file $port_file" : "PidFile $pid_file";
    # A daemon that wrote a PidFile but no ports must not outlive the test.
    $self->_kill_hard if defined $self->{pid};
    return "no $what within ${STARTUP_TIMEOUT}s";
}

# Whether process $pid still exists (a zombie counts as gone).
sub alive {
    my ($pid) = @_;
    return 0 unless defined $pid;
    unless (kill 0, $pid) {
        return $! == ESRCH ? 0 : 1;
    }
    my $stat = read_file("/proc/$pid/stat");
    return 0 unless defined $stat;
    return ($stat =~ /\)\s+([A-Za-z])/ && $1 eq 'Z') ? 0 : 1;
}

# The master's children (its sessions), from /proc.
sub session_pids {
    my ($self) = @_;
    my @kids;
    return () unless defined $self->{pid};
    opendir(my $dh, '/proc') or return ();
    for my $p (grep { /^\d+$/ } readdir $dh) {
        my $stat = read_file("/proc/$p/stat") // next;
        push @kids, $p if $stat =~ /\)\s+(\S)\s+(\d+)/ && $2 == $self->{pid} && $1 ne 'Z';
    }
    closedir $dh;
    return sort { $a <=> $b } @kids;
}

sub signal {
    my ($self, $sig) = @_;
    kill $sig, $self->{pid} if defined $self->{pid};
}

# SIGTERM to the master; true when it is gone within $STOP_GRACE seconds
# (else it gets SIGKILL and this returns false). Idempotent.
sub stop {
    my ($self) = @_;
    my $pid = delete $self->{pid};
    return 1 unless defined $pid;
    $self->{stopped_pid} = $pid;
    kill 'TERM', $pid;
    my $deadline = time + $STOP_GRACE;
    while (time < $deadline) {
        return 1 unless alive($pid);
        sleep $POLL;
    }
    kill 'KILL', $pid;
    return 0;
}

sub _kill_hard {
    my ($self) = @_;
    my $pid = delete $self->{pid};
    kill 'KILL', $pid if defined $pid;
}

sub DESTROY {
    my ($self) = @_;
    local ($?, $!, $@);
    $self->stop if defined $self->{pid};
}

# A Net::FTP client connected to the first listener.
sub ftp {
    my ($self, %o) = @_;
    my $ftp = Net::FTP->new($self->host, Port => $self->port, Timeout => $REPLY_TIMEOUT,
        Passive => 1, %o)
        or croak "Net::FTP connect to " . $self->host . ':' . $self->port . ": $@";
    return $ftp;
}

# A raw control connection (exact bytes).
sub raw {
    my ($self) = @_;
    return ProFTPD::TestServer::Control->open_to($self->host, $self->port);
}

package ProFTPD::TestServer::Control;

# A control connection that reads whole replies, byte for byte, with a
# bounded wait: single-line replies end at their LF; a multi-line reply
# (`NNN-`) ends at the first line that starts with `NNN ` (RFC 959 4.2).

use strict;
use warnings;
use Carp qw(croak);
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time);

sub open_to {
    my ($class, $host, $port) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => 'tcp',
        Timeout => $ProFTPD::TestServer::REPLY_TIMEOUT)
        or croak "connect $host:$port: $!";
    binmode $s;
    return bless { sock => $s, buf => '' }, $class;
}

sub sock { $_[0]{sock} }

sub send_raw {
    my ($self, $bytes) = @_;
    local $SIG{PIPE} = 'IGNORE';
    my $off = 0;
    while ($off < length $bytes) {
        my $n = syswrite($self->{sock}, $bytes, length($bytes) - $off, $off);
        return 0 unless defined $n && $n > 0;
        $off += $n;
    }
    return 1;
}

sub send_line { $_[0]->send_raw("$_[1]\r\n") }

# One command, its reply.
sub cmd {
    my ($self, $line) = @_;
    $self->send_line($line);
    return $self->reply;
}

sub banner { $_[0]->reply }

# The next complete reply; undef on EOF/timeout (why in $self->{error}),
# with whatever arrived in $self->{partial}.
sub reply {
    my ($self, $timeout) = @_;
    my $deadline = time + ($timeout // $ProFTPD::TestServer::REPLY_TIMEOUT);
    my $sel = IO::Select->new($self->{sock});
    while (1) {
        my $end = _complete($self->{buf});
        if (defined $end) {
            my $r = substr($self->{buf}, 0, $end);
            substr($self->{buf}, 0, $end) = '';
            return $r;
        }
        if (length $self->{buf} > $ProFTPD::TestServer::MAX_REPLY_BYTES) {
            $self->{error} = 'runaway reply';
            return undef;
        }
        my $left = $deadline - time;
        if ($left <= 0) {
            $self->{error} = 'timeout';
            $self->{partial} = $self->{buf};
            return undef;
        }
        next unless $sel->can_read($left);
        my $n = sysread($self->{sock}, my $chunk, 65536);
        if (!$n) {
            $self->{error} = defined $n ? 'closed' : "read: $!";
            $self->{partial} = $self->{buf};
            $self->{buf} = '';
            return undef;
        }
        $self->{buf} .= $chunk;
    }
}

sub _complete {
    my ($buf) = @_;
    my $nl = index($buf, "\n");
    return undef if $nl < 0;
    my $first = substr($buf, 0, $nl + 1);
    return $nl + 1 unless $first =~ /^(\d{3})-/;
    my $code = $1;
    my $pos = $nl + 1;
    while (1) {
        $nl = index($buf, "\n", $pos);
        return undef if $nl < 0;
        my $line = substr($buf, $pos, $nl + 1 - $pos);
        $pos = $nl + 1;
        return $pos if substr($line, 0, 4) eq "$code ";
    }
}

# True when the server closes the connection (EOF or reset) within
# $within seconds without sending anything more; the bytes that did come
# are left in $self->{extra}.
sub expect_closed {
    my ($self, $within) = @_;
    my $deadline = time + ($within // $ProFTPD::TestServer::REPLY_TIMEOUT);
    my $sel = IO::Select->new($self->{sock});
    $self->{extra} = $self->{buf};
    $self->{buf} = '';
    while ((my $left = $deadline - time) > 0) {
        next unless $sel->can_read($left);
        my $n = sysread($self->{sock}, my $chunk, 65536);
        return length($self->{extra}) == 0 unless $n;
        $self->{extra} .= $chunk;
    }
    return 0;
}

# Nothing arrives within $secs (the connection stays open and quiet).
sub quiet_for {
    my ($self, $secs) = @_;
    return 0 if length $self->{buf};
    my $sel = IO::Select->new($self->{sock});
    return 1 unless $sel->can_read($secs);
    my $n = sysread($self->{sock}, my $chunk, 65536);
    $self->{buf} .= $chunk if $n;
    return 0;
}

# USER + PASS; dies unless 230.
sub login {
    my ($self, $user, $pass) = @_;
    my $r = $self->cmd("USER $user");
    croak "USER $user: " . ($r // $self->{error}) unless defined $r && $r =~ /^331 /;
    $r = $self->cmd("PASS $pass");
    croak "PASS: " . ($r // $self->{error}) unless defined $r && $r =~ /^230 /;
    return $r;
}

sub disconnect { close $_[0]{sock} }

1;
