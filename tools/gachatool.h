/* gachatool: `club gacha-rates`, the banner rates command of club-tool. */
#ifndef CLUB_GACHATOOL_H
#define CLUB_GACHATOOL_H

extern const char GACHA_RATES_HELP[];

/* argv[0] is the command's name; returns the exit code. */
int gacha_rates_cmd(int argc, char **argv);

#endif
