/* fairplay: `club verify` and `club sim`, the fairness commands of club-tool. Both run the
 * game code the server runs, with no server. */
#ifndef CLUB_FAIRPLAY_H
#define CLUB_FAIRPLAY_H

extern const char FAIRPLAY_VERIFY_HELP[];
extern const char FAIRPLAY_SIM_HELP[];

/* argv[0] is the command's name; parse with getopt_long. Return the exit code. */
int fairplay_verify(int argc, char **argv);
int fairplay_sim(int argc, char **argv);

#endif
