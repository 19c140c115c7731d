# The game math (slot.c, roulette.c, rps.c, stakes.c, sim.c) is the clubgames library, shared
# with the verifier and the simulator; the worker adds only its handlers.
set(DOMAIN_SOURCES ${CMAKE_SOURCE_DIR}/actors/games/games.c)
set(DOMAIN_LIBS clubgames)
