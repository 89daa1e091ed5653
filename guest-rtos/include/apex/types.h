/* types.h: ARINC 653 Part 1 supplement 5 base types and constants of the APEX C binding. */
#ifndef APEX_TYPES_H
#define APEX_TYPES_H

#include <stdint.h>

typedef uint8_t APEX_BYTE;
typedef int32_t APEX_INTEGER;
typedef uint32_t APEX_UNSIGNED;
typedef int64_t APEX_LONG_INTEGER;

typedef enum {
    NO_ERROR = 0,
    NO_ACTION = 1,
    NOT_AVAILABLE = 2,
    INVALID_PARAM = 3,
    INVALID_CONFIG = 4,
    INVALID_MODE = 5,
    TIMED_OUT = 6
} RETURN_CODE_TYPE;

#define MAX_NAME_LENGTH 30
typedef char NAME_TYPE[MAX_NAME_LENGTH];
typedef void (*SYSTEM_ADDRESS_TYPE)(void);
typedef APEX_BYTE *MESSAGE_ADDR_TYPE;
typedef APEX_INTEGER MESSAGE_SIZE_TYPE;
typedef APEX_INTEGER MESSAGE_RANGE_TYPE;
typedef APEX_INTEGER WAITING_RANGE_TYPE;
typedef APEX_LONG_INTEGER SYSTEM_TIME_TYPE;
#define INFINITE_TIME_VALUE ((SYSTEM_TIME_TYPE)-1)

typedef enum { SOURCE = 0, DESTINATION = 1 } PORT_DIRECTION_TYPE;
typedef enum { FIFO = 0, PRIORITY = 1 } QUEUING_DISCIPLINE_TYPE;

#define MAX_NUMBER_OF_PROCESSES 32
#define MIN_PRIORITY_VALUE 0
#define MAX_PRIORITY_VALUE 249
#define MAX_LOCK_LEVEL 32

#endif
