# STOU (spec commands.md 2.4; RFC 1123 4.1.2.9). Replies are 1.3.8's,
# measured through the compat shim.
use strict;
use warnings;
use Cwd qw(realpath);
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;
use ProFTPD::DataConn qw(stor login);
use ProFTPD::Files qw(read_file);

my $srv = ProFTPD::TestServer->demo(config => "TransferLog NONE\n");
my $home = realpath($srv->home('demo'));
my $c = $srv->raw;
$c->banner;
is($c->cmd('STOU'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');
my ($r) = stor($c, 'STOU', 'data');
like($r, qr/^550 ftp[A-Za-z0-9]{6}: Overwrite permission denied\r\n\z/,
    'AllowOverwrite off: refused after creating the file (measured)');
my ($name) = $r =~ /^550 (\S+):/;
ok(defined $name && -e "$home/$name", 'the empty file stays');
is(sprintf('%o', (stat "$home/$name")[2] & 07777), '600', 'mode 0600') if defined $name;
$c->cmd('REST 0');
$c->cmd('TYPE I');
$c->cmd('REST 2');
is((stor($c, 'STOU', 'x'))[0], "550 STOU incompatible with REST\r\n", 'after REST');
$srv->stop;

$srv = ProFTPD::TestServer->demo(config => "AllowOverwrite on\nTransferLog NONE\n");
$home = realpath($srv->home('demo'));
mkdir "$home/sub";
chown((stat $home)[4, 5], "$home/sub") if ProFTPD::TestServer::is_root();
$c = login($srv);
$c->cmd('TYPE I');
my ($r150, $end) = stor($c, 'STOU', 'uniq');
like($r150, qr/^150 FILE: ftp[A-Za-z0-9]{6}\r\n\z/, '150 FILE: <name>');
is($end, "226 Transfer complete\r\n", 'stored');
($name) = $r150 =~ /^150 FILE: (\S+)/;
is(read_file("$home/$name"), 'uniq', 'the data') if defined $name;
is(sprintf('%o', (stat "$home/$name")[2] & 07777), '644', 'then 0666 & ~Umask') if defined $name;
($r150) = stor($c, 'STOU ignored', 'x');
like($r150, qr/^150 FILE: ftp[A-Za-z0-9]{6}\r\n\z/, 'an argument is ignored');
is($c->cmd('CWD sub'), "250 CWD command successful\r\n", 'CWD');
($r150) = stor($c, 'STOU', 'in sub');
($name) = $r150 =~ /^150 FILE: (\S+)/;
ok(defined $name && -e "$home/sub/$name", 'in the current directory');
$srv->stop;

$srv = ProFTPD::TestServer->demo(config => "AllowOverwrite on\nStoreUniquePrefix up\nTransferLog NONE\n");
$c = login($srv);
($r150) = stor($c, 'STOU', 'x');
like($r150, qr/^150 FILE: up[A-Za-z0-9]{6}\r\n\z/, 'StoreUniquePrefix');
done_testing;
