# USER / PASS (spec/commands.md 1.2): replies byte for byte, and a login
# through Net::FTP.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo(config => "MaxLoginAttempts 3\n");

{
    my $c = $srv->raw;
    like($c->banner, qr/^220 /, 'banner');
    is($c->cmd('PASS demo'), "503 Login with USER first\r\n", 'PASS before USER');
    is($c->cmd('USER'), "500 USER: command requires a parameter\r\n", 'USER without a name');
    is($c->cmd('USER demo'), "331 Password required for demo\r\n", 'USER');
    is($c->cmd('PASS wrong'), "530 Login incorrect.\r\n", 'bad password');
    is($c->cmd('USER nosuchuser'), "331 Password required for nosuchuser\r\n",
        'unknown user gets the same 331');
    is($c->cmd('PASS demo'), "530 Login incorrect.\r\n", 'unknown user gets the same 530');
    is($c->cmd('USER demo'), "331 Password required for demo\r\n", 'USER again');
    is($c->cmd('PASS demo'), "230 User demo logged in\r\n", 'good password');
    is($c->cmd('PASS demo'), "503 You are already logged in\r\n", 'PASS after login');
    is($c->cmd('USER other'), "501 Reauthentication not supported\r\n", 'USER another name');
    is($c->cmd('ACCT x'), "502 ACCT command not implemented\r\n", 'ACCT');
    is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
}

{
    # MaxLoginAttempts 3: the third failure is answered, then the
    # connection is closed.
    my $c = $srv->raw;
    $c->banner;
    for my $i (1 .. 2) {
        $c->cmd('USER demo');
        is($c->cmd("PASS bad$i"), "530 Login incorrect.\r\n", "failure $i");
    }
    $c->cmd('USER demo');
    is($c->cmd('PASS bad3'), "530 Login incorrect.\r\n", 'third failure answered');
    ok($c->expect_closed(5), 'closed after MaxLoginAttempts')
        or diag("extra: " . ($c->{extra} // ''));
}

{
    my $ftp = $srv->ftp;
    ok(!$ftp->login('demo', 'nope'), 'Net::FTP: bad password refused');
    is($ftp->code, 530, 'Net::FTP: 530');
    $ftp->quit;
    $ftp = $srv->ftp;
    ok($ftp->login('demo', 'demo'), 'Net::FTP: login') or diag($ftp->message);
    is($ftp->message, "User demo logged in\n", 'Net::FTP: 230 text');
    ok($ftp->quit, 'Net::FTP: quit');
}

ok($srv->stop, 'SIGTERM stops the daemon within 2 s');
done_testing;
