// User changes → ChatUserTriggerHandler (USER_ENTERED / USER_LEFT when Chat_Active__c changes).
trigger ChatUserTrigger on User(after insert, after update) {
    new ChatUserTriggerHandler().run();
}
