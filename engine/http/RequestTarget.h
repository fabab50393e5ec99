#pragma once

#include "HttpMessage.h"

namespace portico {

// Brings a request-target to origin-form ("/path?query"). An absolute-form target
// ("http://host/path") moves its authority into Host, which it replaces (RFC 9112 3.2.2).
// False for the forms a gateway does not serve (authority-form, asterisk-form).
bool toOriginForm(RequestHead &head);

} // namespace portico
