# NLST (spec/commands.md 2.2): names only, over the data connection, with
# 1.3.8's exact bytes for a fixed fixture directory. The fixture and
# helpers are shared with list.t (ProFTPD::Listing, ProFTPD::DataConn).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;
use ProFTPD::DataConn qw(listing login);
use ProFTPD::Listing qw(fixture_server);

my $OPEN = "150 Opening ASCII mode data connection for file list\r\n";
my $DONE = "226 Transfer complete\r\n";

# A directory's names in directory order (what getdents gives; 1.3.8 does
# not sort NLST), without dot files.
sub dir_order {
    my ($dir) = @_;
    opendir(my $dh, $dir) or die "$dir: $!";
    my @n = grep { !/^\./ } readdir $dh;
    closedir $dh;
    return @n;
}

my ($srv, $home) = fixture_server();

my $c = $srv->raw;
$c->banner;
is($c->cmd('NLST'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');

# dangling is left out (it names nothing); dotlink stays.
my @names = grep { $_ ne 'dangling' } dir_order($home);
my ($ctl, $data) = listing($c, 'NLST');
is($ctl, "$OPEN$DONE", 'NLST: 150 then 226');
is($data, join('', map { "$_\r\n" } @names), 'NLST: directory order, no dot files, no broken link');
($ctl, $data) = listing($c, 'NLST -a');
opendir(my $dh, $home) or die;
my @all = grep { $_ ne 'dangling' } readdir $dh;
closedir $dh;
is($data, join('', map { "$_\r\n" } @all), 'NLST -a: . and .. and dot files too');

my @sub = dir_order("$home/sub");
($ctl, $data) = listing($c, 'NLST sub');
is($data, join('', map { "sub/$_\r\n" } @sub), 'NLST dir: names prefixed with the dir as given');
($ctl, $data) = listing($c, 'NLST ./sub/');
is($data, join('', map { "sub/$_\r\n" } @sub), 'the prefix is cleaned');
($ctl, $data) = listing($c, "NLST $home/sub");
is($data, join('', map { "$home/sub/$_\r\n" } @sub), 'absolute directory');
($ctl, $data) = listing($c, 'NLST -1 sub');
is($data, join('', map { "$_\r\n" } @sub), 'NLST -1: no prefix');
($ctl, $data) = listing($c, 'NLST sub/z.txt');
is($data, "sub/z.txt\r\n", 'NLST of a file');

my @txt = reverse grep { /\.txt$/ } dir_order($home);
($ctl, $data) = listing($c, 'NLST *.txt');
is($data, join('', map { "$_\r\n" } @txt), 'glob: matches in reverse directory order (measured)');
($ctl, $data) = listing($c, 'NLST */z.txt');
is($data, "sub/z.txt\r\n", 'glob in the directory part');

($ctl, $data) = listing($c, 'NLST emptyd');
is("$ctl|$data", "$OPEN$DONE|", 'empty directory: 150, 226, no data');

($ctl, $data) = listing($c, 'NLST nosuch');
is($ctl, "450 nosuch: No such file or directory\r\n", 'missing: 450 before any 150');
($ctl, $data) = listing($c, 'NLST -a nosuch');
is($ctl, "450 -a nosuch: No such file or directory\r\n", 'the 450 names the whole argument (measured)');
($ctl, $data) = listing($c, 'NLST *.zz');
is($ctl, "450 No files found\r\n", 'glob without a match');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
$srv->stop;

($srv, $home) = fixture_server(config => "ListOptions \"\" maxfiles 2 NoErrorIfAbsent SortedNLST\n");
$c = login($srv);
($ctl, $data) = listing($c, 'NLST');
is($data, "a.txt\r\nb.txt\r\nbig.dat\r\n", 'SortedNLST; maxfiles 2 lets a third name through (measured)');
($ctl, $data) = listing($c, 'NLST nosuch');
is($ctl, "${OPEN}226-Transfer complete\r\n$DONE", 'NoErrorIfAbsent: 226 twice (measured)');
$c->cmd('QUIT');
$srv->stop;

($srv, $home) = fixture_server();
my $ftp = $srv->ftp;
$ftp->login('demo', 'demo') or die $ftp->message;
is_deeply([sort $ftp->ls('sub')], ['sub/deep', 'sub/z.txt'], 'Net::FTP ls');
$ftp->quit;
done_testing;
