# OPTS MLST (spec/commands.md 2.1; RFC 3659 7.9): selects the facts MLST and
# MLSD show; the reply echoes the known ones in the client's order; FEAT's
# MLST line marks the selected ones with `*`.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Test::More;
use ProFTPD::TestServer;

my $ALL = 'MLST modify*;perm*;size*;type*;unique*;UNIX.group*;UNIX.groupname*;'
    . 'UNIX.mode*;UNIX.owner*;UNIX.ownername*;';

sub mlst_feat {
    my ($c) = @_;
    my ($line) = grep { /^ MLST / } split /\r\n/, $c->cmd('FEAT');
    return defined $line ? substr($line, 1) : undef;
}

my $srv = ProFTPD::TestServer->demo;
my $c = $srv->raw;
$c->banner;
is(mlst_feat($c), $ALL, 'every fact selected at first');
is($c->cmd('OPTS MLST type;size;'), "200 MLST OPTS type;size;\r\n", 'OPTS MLST before login');
is(mlst_feat($c),
    'MLST modify;perm;size*;type*;unique;UNIX.group;UNIX.groupname;UNIX.mode;UNIX.owner;UNIX.ownername;',
    'FEAT follows');
is($c->cmd('opts mlst TYPE;Size;bogus;perm'), "200 MLST OPTS type;size;\r\n",
    'case-insensitive names; unknown and unterminated ones dropped');
is($c->cmd('OPTS MLST unix.MODE;UNIX.owner;'), "200 MLST OPTS UNIX.mode;UNIX.owner;\r\n",
    'the echo uses ProFTPD\'s spelling');
is($c->cmd('OPTS MLST ;;'), "200 MLST OPTS \r\n", 'empty names');
is($c->cmd('OPTS MLST'), "200 MLST OPTS\r\n", 'no list: no facts');
is(mlst_feat($c),
    'MLST modify;perm;size;type;unique;UNIX.group;UNIX.groupname;UNIX.mode;UNIX.owner;UNIX.ownername;',
    'FEAT without stars');
is($c->cmd('OPTS MLST a b'), "501 'OPTS MLST' not understood\r\n", 'two words');
$c->login('demo', 'demo');
is($c->cmd('OPTS MLST modify;'), "200 MLST OPTS modify;\r\n", 'after login');
is($c->cmd('QUIT'), "221 Goodbye.\r\n", 'QUIT');

# FactsDefault chooses the first selection; NoNames drops two facts from FEAT.
my $srv2 = ProFTPD::TestServer->demo(config => "FactsDefault modify size UNIX.mode\nFactsOptions NoNames\n");
my $c2 = $srv2->raw;
$c2->banner;
is(mlst_feat($c2), 'MLST modify*;perm;size*;type;unique;UNIX.group;UNIX.mode*;UNIX.owner;',
    'FactsDefault and FactsOptions NoNames');

# FactsAdvertise off hides MFF, MFMT, MLST and TVFS; OPTS MLST brings the
# MLST line back (as on 1.3.8).
my $srv3 = ProFTPD::TestServer->demo(config => "FactsAdvertise off\n");
my $c3 = $srv3->raw;
$c3->banner;
my $feat = $c3->cmd('FEAT');
unlike($feat, qr/^ (?:MFF|MFMT|MLST|TVFS)/m, 'FactsAdvertise off');
is($c3->cmd('OPTS MLST size;'), "200 MLST OPTS size;\r\n", 'OPTS MLST still works');
is(mlst_feat($c3),
    'MLST modify;perm;size*;type;unique;UNIX.group;UNIX.groupname;UNIX.mode;UNIX.owner;UNIX.ownername;',
    'and adds the MLST line');
done_testing;
