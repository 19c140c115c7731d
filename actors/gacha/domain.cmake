# The gacha rule, the simulator and the banner reader (pull.c, gsim.c, store.c) are the
# clubgacha library, shared with club-tool's verify and sim; the worker adds its handlers.
set(DOMAIN_SOURCES ${CMAKE_SOURCE_DIR}/actors/gacha/gacha.c)
set(DOMAIN_LIBS clubgacha)
