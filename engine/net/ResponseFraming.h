#pragma once

#include "http/HttpMessage.h"

namespace portico {

// How a response travels to its client.
struct ClientFraming
{
    bool chunked = false; // the body is re-chunked for an HTTP/1.1 client
    bool close = false;   // the connection closes after it
};

// Sets the framing and Connection headers of a response for its client. The body keeps its
// length when it has one; a chunked or close-delimited body is chunked for HTTP/1.1 clients and
// ends with the connection for HTTP/1.0 ones.
ClientFraming frameForClient(ResponseHead &head, const RequestHead &request, bool closeAfter);

} // namespace portico
