#include "ConsumersPage.h"

#include "views/PageHeader.h"

#include <QVBoxLayout>

namespace portico {

ConsumersPage::ConsumersPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new PageHeader(tr("Consumers"), QString()));
    layout->addStretch(1);
}

} // namespace portico
