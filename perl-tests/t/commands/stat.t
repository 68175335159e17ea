# STAT <path> (spec/commands.md 2.1): an ls -l listing on the control
# connection, 213 for a file, 212 for a directory (with . and ..), with
# 1.3.8's exact bytes for list.t's fixture. STAT alone is in core tests.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;
use ProFTPD::Listing qw(fixture_server ls_line);

# A STAT reply: the header, one continuation line per entry, the end.
sub stat_reply {
    my ($code, $shown, @lines) = @_;
    return "$code-Status of $shown:\r\n" . join('', map { " $_" } @lines) . "$code End of status\r\n";
}

my ($srv, $home) = fixture_server();

my $c = $srv->raw;
$c->banner;
is($c->cmd('STAT a.txt'), "530 Please login with USER and PASS\r\n", 'before login');
$c->login('demo', 'demo');

is($c->cmd('STAT a.txt'), stat_reply(213, 'a.txt', ls_line("$home/a.txt", 'a.txt')), 'a file: 213');
is($c->cmd('STAT link'), stat_reply(213, 'link', ls_line("$home/link", 'link')), 'a symlink');
is($c->cmd('STAT sub/z.txt'), stat_reply(213, 'sub/z.txt', ls_line("$home/sub/z.txt", 'sub/z.txt')),
    'a path');
is($c->cmd('STAT sub'),
    stat_reply(212, 'sub', map { ls_line("$home/sub/$_", $_) } qw(. .. deep z.txt)),
    'a directory: 212, with . and .. (measured)');
is($c->cmd('STAT .'),
    stat_reply(212, '.', map { ls_line("$home/$_", $_) }
        qw(. .. .dot a.txt b.txt big.dat dangling emptyd link sub)),
    'the current directory: dot files too, dot links left out');
is($c->cmd('STAT -l emptyd'),
    stat_reply(212, 'emptyd', map { ls_line("$home/emptyd/$_", $_) } qw(. ..)),
    'an option word is skipped');
is($c->cmd('STAT nosuch'), "450 nosuch: No such file or directory\r\n", 'missing: 450');
is($c->cmd('STAT dangling'), "450 dangling: No such file or directory\r\n", 'broken link: 450');
is($c->cmd('STAT *.txt'), "450 *.txt: No such file or directory\r\n", 'no globbing in STAT');
like($c->cmd('STAT'), qr/^211-Status of 'T'\r\n.* End of status\r\n\z/s, 'STAT alone: the session status');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');
done_testing;
