# The control-channel line reader (spec/commands.md 0; issue 2 "Bad
# input"): empty lines, unknown verbs, CR LF framing, over-long lines, a
# 1 MiB line, NUL bytes and invalid UTF-8, 10,000 commands in one packet,
# other protocols, a client that never speaks or leaves mid-reply; the
# master keeps serving throughout.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo;

sub fresh {
    my $c = $srv->raw;
    like($c->banner, qr/^220 /, 'banner');
    return $c;
}

{
    my $c = fresh();
    is($c->cmd(''), "500 Invalid command: try being more creative\r\n", 'empty line');
    is($c->cmd('FOO bar'), "500 FOO not understood\r\n", 'unknown verb');
    is($c->cmd('foo'), "500 FOO not understood\r\n", 'unknown verb, upper-cased');
    is($c->cmd('get /'), "500 GET not understood\r\n", 'lower-case get is just unknown');
    is($c->cmd('NOOP   '), "200 NOOP command successful\r\n", 'trailing spaces');
    $c->send_raw("NOOP\nSYST\r\n");
    is($c->reply, "200 NOOP command successful\r\n", 'a bare LF does not end the line');
    $c->send_raw("NO\r\nOP\r\n");
    is($c->reply, "500 NO not understood\r\n", 'CR LF ends the line');
    is($c->reply, "500 OP not understood\r\n", 'second line');
    $c->send_raw("NOOP\r\n");
    is($c->reply, "200 NOOP command successful\r\n", 'still in step');
    $c->send_raw("NO\0OP\r\n");
    like($c->reply, qr/^500 /, 'a NUL byte in the verb: 500');
    $c->send_raw("\xc3(\xff\xff\r\n");
    is($c->reply, "500 \xc3(\xff not understood\r\n",
        'invalid UTF-8 (IAC IAC is one 0xFF byte): echoed as sent');
    $c->send_raw("\xff\xfe\x01NOOP\r\n");
    is($c->reply, "\xff\xfc\x01200 NOOP command successful\r\n",
        'Telnet IAC DONT x is answered IAC WONT x before the reply');
    is($c->cmd('NOOP'), "200 NOOP command successful\r\n", 'still answering');
}

{
    my $c = fresh();
    $c->send_raw("NOOP\r\n" x 10_000);
    my $ok = 0;
    for (1 .. 10_000) {
        my $r = $c->reply;
        last unless defined $r;
        $ok++ if $r eq "200 NOOP command successful\r\n";
    }
    is($ok, 10_000, '10,000 NOOPs in one write: 10,000 replies');
    is($c->cmd('SYST'), "215 UNIX Type: L8\r\n", 'and the next command');
}

{
    # An over-long line (more than CommandBufferSize) is dropped without a
    # reply; the next line is served.
    my $c = fresh();
    $c->send_raw('NOOP ' . ('x' x 5000) . "\r\n");
    is($c->cmd('SYST'), "215 UNIX Type: L8\r\n", 'over-long line dropped silently');
}

{
    # A 1 MiB line: more than 3 buffers' worth of one line closes the
    # session without a reply; the master is unaffected (checked below).
    my $c = fresh();
    $c->send_raw('A' x (1 << 20) . "\r\n");
    $c->send_raw("NOOP\r\n");
    my $r = $c->reply(5);
    ok(!defined $r, '1 MiB line: the session closes (more than 3 over-long chunks)')
        or diag($r);
}

for my $line ('GET / HTTP/1.0', 'SSH-2.0-OpenSSH_9.6', 'EHLO mail.example') {
    my $c = fresh();
    $c->send_raw("$line\r\n");
    ok($c->expect_closed(5), "'$line': closed without a reply")
        or diag($c->{extra});
}

{
    # Never speaks: stays connected (TimeoutLogin is 300 s by default);
    # meanwhile another client is served.
    my $silent = fresh();
    my $c = fresh();
    is($c->cmd('NOOP'), "200 NOOP command successful\r\n", 'served beside a silent client');
    ok($silent->quiet_for(0.5), 'the silent client hears nothing');
}

{
    # Leaves mid-reply: asks for HELP and closes at once.
    for (1 .. 20) {
        my $c = $srv->raw;
        $c->send_raw("HELP\r\nFEAT\r\nHELP\r\n");
        $c->disconnect;
    }
    my $c = fresh();
    is($c->cmd('NOOP'), "200 NOOP command successful\r\n", 'master unaffected by clients that left');
}

ok($srv->stop, 'stops within 2 s');
done_testing;
