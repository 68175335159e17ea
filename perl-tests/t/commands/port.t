# PORT h1,h2,h3,h4,p1,p2 (spec/commands.md 2.3): no FTP bounce (the
# client's own address only, no port below 1024), arguments read as 1.3.8's
# sscanf("%u,...") reads them. Every expectation was checked against 1.3.8.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use IO::Select;
use IO::Socket::INET;
use Test::More;
use ProFTPD::TestServer;

my $srv = ProFTPD::TestServer->demo;
my $c = $srv->raw;
$c->banner;
is($c->cmd('PORT 127,0,0,1,4,1'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
my @cases = (
    ['PORT 127,0,0,1,4,1',              '200 PORT command successful', 'PORT'],
    ['port  127,0,0,1,4,1',             '200 PORT command successful', 'two spaces, lower case'],
    ['PORT 127,0,0,1,4,1,5',            '200 PORT command successful', 'a seventh number is ignored'],
    ['PORT 127,0,0,1,4,1x',             '200 PORT command successful', 'trailing junk is ignored'],
    ['PORT 127,0,0,01,04,01',           '200 PORT command successful', 'leading zeros'],
    ['PORT 127,0,0,1,4,+1',             '200 PORT command successful', 'a plus sign'],
    ['PORT 127,0,0,1,4,4294967297',     '200 PORT command successful', '32-bit wrap'],
    ['PORT 127,0,0,2,4,1',              '500 Illegal PORT command', 'another host (FTP bounce)'],
    ['PORT 127,0,0,1,3,255',            '500 Illegal PORT command', 'port 1023'],
    ['PORT 127,0,0,1,0,21',             '500 Illegal PORT command', 'port 21'],
    ['PORT 127,0,0,1,0,0',              '501 Illegal PORT command', 'port 0'],
    ['PORT 0,0,0,0,4,1',                '501 Illegal PORT command', 'address 0'],
    ['PORT 127,0,0,1,256,1',            '501 Illegal PORT command', 'a number above 255'],
    ['PORT 127,0,0,1,-1,1',             '501 Illegal PORT command', 'a negative number'],
    ['PORT 127,0,0,1,4,999999999999',   '501 Illegal PORT command', 'a huge number'],
    ['PORT 127,0,0,1,4',                '501 Illegal PORT command', 'five numbers'],
    ['PORT 127,0,0,1,,4',               '501 Illegal PORT command', 'an empty field'],
    ['PORT 127.0.0.1,4,1',              '501 Illegal PORT command', 'dots'],
    ['PORT x',                          '501 Illegal PORT command', 'garbage'],
    ["PORT 1\xc3\xa9,0,0,1,4,1",         '501 Illegal PORT command', 'non-ASCII bytes'],
    ['PORT',                            '501 Invalid number of parameters', 'no argument'],
    ['PORT 127, 0,0,1,4,1',             '501 Invalid number of parameters', 'two words'],
    ["PORT 127,0,0,1,4,1\tx",           '501 Invalid number of parameters', 'a tab separates words'],
);
for my $t (@cases) {
    is($c->cmd($t->[0]), "$t->[1]\r\n", $t->[2]);
}

# The active connection really goes to the PORT address (needs the data
# channel and mod_ls): NLST through a listener of ours.
my $l = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1, ReuseAddr => 1)
    or die "listen: $!";
my $lp = $l->sockport;
is($c->cmd(sprintf('PORT 127,0,0,1,%d,%d', $lp >> 8, $lp & 255)), "200 PORT command successful\r\n",
    'PORT to our listener');
$c->send_line('NLST');
my $first = $c->reply;
like($first // '', qr/\A150 /, 'NLST: 150') or diag($first // $c->{error});
my $data = '';
if (IO::Select->new($l)->can_read(5)) {
    my $dc = $l->accept;
    IO::Select->new($dc)->can_read(5);
    while (sysread($dc, my $buf, 4096)) { $data .= $buf }
    close $dc;
}
is($c->reply // $c->{error}, "226 Transfer complete\r\n", 'NLST: 226');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

# AllowForeignAddress on: another host may be named, still no low port.
my $fxp = ProFTPD::TestServer->demo(config => "AllowForeignAddress on\n");
$c = $fxp->raw;
$c->banner;
$c->login('demo', 'demo');
is($c->cmd('PORT 127,0,0,2,4,1'), "200 PORT command successful\r\n", 'foreign address allowed');
is($c->cmd('PORT 127,0,0,2,0,25'), "500 Illegal PORT command\r\n", 'still no port below 1024');
$c->cmd('QUIT');

# Net::FTP in active mode, through a listing.
my $ftp = $srv->ftp(Passive => 0);
$ftp->login('demo', 'demo') or die $ftp->message;
open(my $fh, '>', $srv->home('demo') . '/active.txt') or die $!;
close $fh;
my @names = $ftp->ls;
ok((grep { $_ eq 'active.txt' } @names), 'Net::FTP active NLST lists the file');
$ftp->quit;
done_testing;
