#pragma once

#include <QString>

#include <functional>

class QMessageBox;
class QWidget;

namespace portico {

// What to ask before something that cannot simply be taken back in the gateway's traffic
// (a delete, a revoke).
struct Confirmation
{
    QString title;       // "Delete route"
    QString question;    // "Delete the route “users”?"
    QString consequence; // what happens next, and how to undo it
    QString action;      // the button: "Delete", "Revoke"
    QString objectName;  // for tests; the action button is objectName + "Button"
    QString details = {}; // e.g. the names of several routes
};

// Asks `confirmation` in a warning box with Cancel as the default; `onConfirm` runs only when
// the user picks the action. The box is opened, not exec()'d, so the event loop (and the live
// figures) carry on meanwhile; it deletes itself when closed.
QMessageBox *askToConfirm(QWidget *parent, const Confirmation &confirmation,
                          std::function<void()> onConfirm);

} // namespace portico
